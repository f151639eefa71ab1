using ClusterLb.Actors;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote;

/// <summary>
/// Hands messages received by the transport to local actors: user messages by Tell (with the remote sender),
/// remote watch traffic as kernel system messages.
/// </summary>
internal sealed class RemoteDelivery : IInboundMessageSink
{
    private Remoting? _remoting;

    /// <summary>Connects the sink once the actor system exists (the system needs the transport's bound address first).</summary>
    public void Attach(Remoting remoting) => Volatile.Write(ref _remoting, remoting);

    public void OnUserMessage(InboundEnvelope envelope)
    {
        if (Volatile.Read(ref _remoting) is not { } remoting)
        {
            return;
        }

        var recipient = remoting.ResolveLocal(envelope.Recipient);
        recipient.Tell(envelope.Message, remoting.ResolveRemote(envelope.Sender));
    }

    public void OnSystemMessage(InboundEnvelope envelope)
    {
        if (Volatile.Read(ref _remoting) is not { } remoting)
        {
            return;
        }

        switch (envelope.Message)
        {
            case RemoteWatch watch:
                if (remoting.ResolveLocal(watch.Watchee) is InternalActorRef watchee && remoting.ResolveRemote(watch.Watcher) is { } watcher)
                {
                    watchee.SendSystemMessage(new Watch(watchee, watcher));
                }

                break;
            case RemoteUnwatch unwatch:
                if (remoting.ResolveLocal(unwatch.Watchee) is InternalActorRef unwatchee && remoting.ResolveRemote(unwatch.Watcher) is { } unwatcher)
                {
                    unwatchee.SendSystemMessage(new Unwatch(unwatchee, unwatcher));
                }

                break;
            case RemoteDeathWatchNotification death:
                OnDeath(remoting, envelope, death);
                break;
            default:
                remoting.Logger.LogWarning("Ignoring unknown system message {MessageType} from {Peer}", envelope.Message.Descriptor.FullName, envelope.From);
                break;
        }
    }

    private static void OnDeath(Remoting remoting, InboundEnvelope envelope, RemoteDeathWatchNotification death)
    {
        if (remoting.ResolveLocal(envelope.Recipient) is not InternalActorRef watcher || death.Actor is null
            || !ActorPath.TryParse(death.Actor.Path, out var deadPath))
        {
            return;
        }

        var watched = remoting.Watcher.OnRemoteDeath(envelope.From.Address, deadPath!.WithUid(death.Actor.Uid), watcher);
        if (watched is not null)
        {
            watcher.SendSystemMessage(new DeathWatchNotification(watched, death.ExistenceConfirmed, death.AddressTerminated));
        }
    }
}
