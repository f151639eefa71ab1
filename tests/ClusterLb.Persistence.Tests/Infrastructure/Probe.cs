using System.Threading.Channels;
using ClusterLb.Actors;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>An actor whose received messages the test awaits, each with a deadline.</summary>
public sealed class Probe
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    public Probe(ActorSystem system)
    {
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_received.Writer)));
    }

    public IActorRef Ref { get; }

    public void Tell(IActorRef target, object message) => target.Tell(message, Ref);

    /// <summary>Watches <paramref name="subject"/>; returns once the watch is in place.</summary>
    public async Task WatchAsync(IActorRef subject) => await ExpectAsync<Watching>(m => Ref.Tell(new Watch(subject)));

    public async Task<T> ExpectAsync<T>(Action<Probe>? trigger = null)
    {
        trigger?.Invoke(this);
        using var timeout = new CancellationTokenSource(Deadline);
        try
        {
            var message = await _received.Reader.ReadAsync(timeout.Token);
            return message is T typed
                ? typed
                : throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name} but got {message.GetType().Name}: {message}");
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} within {Deadline.TotalSeconds} s.");
        }
    }

    private sealed record Watch(IActorRef Subject);

    private sealed record Watching(IActorRef Subject);

    private sealed class ProbeActor(ChannelWriter<object> received) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is Watch watch)
            {
                Context.Watch(watch.Subject);
                received.TryWrite(new Watching(watch.Subject));
                return true;
            }

            received.TryWrite(message);
            return true;
        }
    }
}
