using ClusterLb.Actors;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote;

/// <summary>
/// A reference to an actor on another node. Tell serializes the message (protobuf only) and sends it through the
/// association to that node; watch, unwatch and death notifications travel as reliable system messages.
/// </summary>
public sealed class RemoteActorRef : InternalActorRef
{
    private readonly Remoting _remoting;
    private readonly ActorRefData _wire;

    internal RemoteActorRef(Remoting remoting, ActorPath path, NodeAddress node)
    {
        _remoting = remoting;
        Path = path;
        Node = node;
        _wire = new ActorRefData { Path = path.ToString(), Uid = path.Uid };
    }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <summary>The node the actor lives on.</summary>
    public NodeAddress Node { get; }

    /// <inheritdoc />
    public override ActorSystem System => _remoting.System;

    /// <inheritdoc />
    public override bool IsLocal => false;

    internal ActorRefData Wire => _wire;

    /// <summary>
    /// Sends the message; one that cannot be serialized, is too large, or meets a full queue or a closed gate is
    /// logged, counted and published as a <see cref="DeadLetter"/>, never thrown at the sender.
    /// </summary>
    public override void Tell(object message, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var outcome = _remoting.Transport.Send(Node, _wire, _remoting.ToWire(sender), message);
        if (outcome is not (SendOutcome.Enqueued or SendOutcome.DeliveredLocally))
        {
            System.DeadLetters.Tell(new DeadLetter(message, sender ?? System.DeadLetters, this));
        }
    }

    /// <inheritdoc />
    public override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when watch.Watchee.Equals(this):
                if (_remoting.Watcher.OnWatch(this, watch.Watcher))
                {
                    _remoting.Transport.SendSystem(Node, _wire, _remoting.ToWire(watch.Watcher),
                        new RemoteWatch { Watchee = _wire, Watcher = _remoting.ToWire(watch.Watcher) });
                }

                break;
            case Unwatch unwatch when unwatch.Watchee.Equals(this):
                _remoting.Watcher.OnUnwatch(this, unwatch.Watcher);
                _remoting.Transport.SendSystem(Node, _wire, _remoting.ToWire(unwatch.Watcher),
                    new RemoteUnwatch { Watchee = _wire, Watcher = _remoting.ToWire(unwatch.Watcher) });
                break;
            case DeathWatchNotification death:
                // This ref is a remote watcher of a local actor that stopped.
                _remoting.Transport.SendSystem(Node, _wire, _remoting.ToWire(death.Actor), new RemoteDeathWatchNotification
                {
                    Actor = _remoting.ToWire(death.Actor),
                    ExistenceConfirmed = death.ExistenceConfirmed,
                    AddressTerminated = death.AddressTerminated,
                });
                break;
        }
    }
}
