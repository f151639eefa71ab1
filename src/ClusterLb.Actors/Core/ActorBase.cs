namespace ClusterLb.Actors;

/// <summary>
/// Base class of every actor. The kernel calls <see cref="Receive"/> with one message at a time; the actor's
/// fields are only ever touched from there and from the lifecycle hooks, so they need no synchronisation.
/// </summary>
public abstract class ActorBase
{
    private readonly ActorCell _cell;

    /// <summary>Actors are created by the kernel through <see cref="Props"/>, never with <c>new</c> directly.</summary>
    protected ActorBase()
    {
        _cell = ActorCell.Constructing
            ?? throw new InvalidOperationException($"{GetType().Name} must be created through ActorOf(Props), not with 'new'.");
    }

    /// <summary>This actor's context.</summary>
    protected IActorContext Context => _cell;

    /// <summary>This actor.</summary>
    protected IActorRef Self => _cell.Self;

    /// <summary>The sender of the message being processed.</summary>
    protected IActorRef Sender => _cell.Sender;

    internal ActorCell Cell => _cell;

    /// <summary>Handles one message; return false to mark it unhandled.</summary>
    protected abstract bool Receive(object message);

    /// <summary>Runs before the first message (and, by default, after a restart).</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Runs after the actor stopped (and, by default, before a restart).</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>Runs on the failed instance. Default: stop all children, then <see cref="PostStop"/>.</summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children.ToArray())
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }

        PostStop();
    }

    /// <summary>Runs on the fresh instance. Default: <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    /// <summary>How this actor supervises its children. Default: <see cref="SupervisorStrategy.DefaultStrategy"/>.</summary>
    protected virtual SupervisorStrategy SupervisorStrategy() => ClusterLb.Actors.SupervisorStrategy.DefaultStrategy;

    /// <summary>
    /// Called for messages <see cref="Receive"/> did not handle. An unhandled <see cref="Terminated"/> fails the
    /// actor with <see cref="DeathPactException"/>; anything else is published as <see cref="UnhandledMessage"/>.
    /// </summary>
    protected virtual void Unhandled(object message)
    {
        if (message is Terminated terminated)
        {
            throw new DeathPactException(terminated.ActorRef);
        }

        _cell.PublishUnhandled(message);
    }

    internal bool ReceiveInternal(object message) => Receive(message);

    internal void UnhandledInternal(object message) => Unhandled(message);

    internal void PreStartInternal() => PreStart();

    internal void PostStopInternal() => PostStop();

    internal void PreRestartInternal(Exception reason, object? message) => PreRestart(reason, message);

    internal void PostRestartInternal(Exception reason) => PostRestart(reason);

    internal SupervisorStrategy SupervisorStrategyInternal() => SupervisorStrategy();
}
