using System.Threading.Channels;

namespace ClusterLb.Actors.Tests.TestKit;

/// <summary>An actor whose mailbox the test reads: ExpectMsg waits (with a deadline) for the next message.</summary>
public sealed class TestProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private readonly Channel<(object Message, IActorRef Sender)> _received = Channel.CreateUnbounded<(object, IActorRef)>();

    public TestProbe(ActorSystem system, string? name = null)
    {
        System = system;
        Ref = system.ActorOf(Props.Create(() => new ProbeActor(_received.Writer)), name);
    }

    public ActorSystem System { get; }

    public IActorRef Ref { get; }

    public IActorRef LastSender { get; private set; } = ActorRefs.Nobody;

    /// <summary>Makes the probe actor watch <paramref name="subject"/>; returns once the watch is in place.</summary>
    public async Task WatchAsync(IActorRef subject)
    {
        var ack = await Ref.Ask<WatchAck>(new WatchCommand(subject), DefaultTimeout);
        Assert.Equal(subject, ack.Subject);
    }

    public void Tell(IActorRef target, object message) => target.Tell(message, Ref);

    public void Reply(object message) => LastSender.Tell(message, Ref);

    public async Task<T> ExpectMsgAsync<T>(TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout ?? DefaultTimeout, $"a {typeof(T).Name}");
        return message is T typed
            ? typed
            : throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name} but got {message.GetType().Name}: {message}");
    }

    public async Task<T> ExpectMsgAsync<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        var typed = await ExpectMsgAsync<T>(timeout);
        Assert.True(predicate(typed), $"Message {typed} did not match the expectation.");
        return typed;
    }

    public async Task ExpectMsgAsync(object expected, TimeSpan? timeout = null)
    {
        var message = await ReceiveAsync(timeout ?? DefaultTimeout, expected.ToString()!);
        Assert.Equal(expected, message);
    }

    /// <summary>Skips messages until one of type <typeparamref name="T"/> matches.</summary>
    public async Task<T> FishForMessageAsync<T>(Func<T, bool> predicate, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            var message = await ReceiveAsync(left > TimeSpan.Zero ? left : TimeSpan.Zero, $"a matching {typeof(T).Name}");
            if (message is T typed && predicate(typed))
            {
                return typed;
            }
        }
    }

    /// <summary>Asserts that nothing arrives for <paramref name="duration"/> (an assertion of absence, never a wait).</summary>
    public async Task ExpectNoMsgAsync(TimeSpan duration)
    {
        using var cts = new CancellationTokenSource(duration);
        try
        {
            var (message, _) = await _received.Reader.ReadAsync(cts.Token);
            throw new Xunit.Sdk.XunitException($"Expected no message but got {message.GetType().Name}: {message}");
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
        }
    }

    private async Task<object> ReceiveAsync(TimeSpan timeout, string what)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var (message, sender) = await _received.Reader.ReadAsync(cts.Token);
            LastSender = sender;
            return message;
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Timed out after {timeout} waiting for {what} at probe {Ref.Path}.");
        }
    }

    private sealed record WatchCommand(IActorRef Subject);

    private sealed record WatchAck(IActorRef Subject);

    private sealed class ProbeActor(ChannelWriter<(object, IActorRef)> received) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is WatchCommand watch)
            {
                Context.Watch(watch.Subject);
                Sender.Tell(new WatchAck(watch.Subject));
                return true;
            }

            received.TryWrite((message, Sender));
            return true;
        }
    }
}
