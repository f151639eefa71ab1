namespace ClusterLb.Actors.Tests.TestKit;

/// <summary>A fresh actor system per test, terminated (with a deadline) afterwards.</summary>
public abstract class ActorTestBase : IAsyncLifetime
{
    protected ActorTestBase(ActorSystemSetup? setup = null)
    {
        Sys = ActorSystem.Create("test", setup ?? new ActorSystemSetup { LoggerFactory = Logs });
    }

    protected static TimeSpan Timeout => TestProbe.DefaultTimeout;

    protected RecordingLoggerFactory Logs { get; } = new();

    protected ActorSystem Sys { get; }

    protected TestProbe CreateProbe(string? name = null) => new(Sys, name);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Sys.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>Polls <paramref name="condition"/> until true or the deadline (for state that has no event to await).</summary>
    protected static async Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"Timed out waiting until {what}.");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>An actor built from lambdas, for tests.</summary>
public sealed class LambdaActor : ActorBase
{
    private readonly Func<LambdaActor, object, bool> _receive;

    public LambdaActor(Func<LambdaActor, object, bool> receive, Action<LambdaActor>? preStart = null, Action<LambdaActor>? postStop = null)
    {
        _receive = receive;
        OnPreStart = preStart;
        OnPostStop = postStop;
    }

    public Action<LambdaActor>? OnPreStart { get; }

    public Action<LambdaActor>? OnPostStop { get; }

    public new IActorContext Context => base.Context;

    public new IActorRef Sender => base.Sender;

    public new IActorRef Self => base.Self;

    protected override bool Receive(object message) => _receive(this, message);

    protected override void PreStart() => OnPreStart?.Invoke(this);

    protected override void PostStop() => OnPostStop?.Invoke(this);

    public static Props Props(Func<LambdaActor, object, bool> receive, Action<LambdaActor>? preStart = null, Action<LambdaActor>? postStop = null)
        => ClusterLb.Actors.Props.Create(() => new LambdaActor(receive, preStart, postStop));
}

/// <summary>Replies to every message with the same message.</summary>
public sealed class EchoActor : ActorBase
{
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}
