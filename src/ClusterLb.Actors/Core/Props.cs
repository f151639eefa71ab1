namespace ClusterLb.Actors;

/// <summary>An immutable recipe for creating an actor: how to construct it and how its cell is configured.</summary>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Func<ActorBase> factory, Type? actorType)
    {
        _factory = factory;
        ActorType = actorType;
    }

    /// <summary>The actor's type when known up front (used as the log category).</summary>
    public Type? ActorType { get; private init; }

    /// <summary>Strategy this actor uses for its own children; overrides the actor's SupervisorStrategy().</summary>
    public SupervisorStrategy? SupervisorStrategy { get; private init; }

    /// <summary>Bound on queued user messages; when full, further messages go to dead letters. Null: unbounded.</summary>
    public int? MailboxCapacity { get; private init; }

    /// <summary>True when the actor runs on its own thread (a pinned dispatcher) instead of the thread pool.</summary>
    public bool DedicatedThread { get; private init; }

    /// <summary>Messages per scheduling turn on the thread pool; null uses the system default.</summary>
    public int? Throughput { get; private init; }

    /// <summary>Props for an actor with a parameterless constructor.</summary>
    public static Props Create<TActor>() where TActor : ActorBase, new() => new(static () => new TActor(), typeof(TActor));

    /// <summary>Props from a factory; it runs again on every restart, so it must return a fresh instance.</summary>
    public static Props Create(Func<ActorBase> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, null);
    }

    /// <summary>Props from a typed factory; <typeparamref name="TActor"/> becomes the log category.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(TActor));
    }

    /// <summary>Sets the strategy this actor uses to supervise its children.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return Copy() with { SupervisorStrategy = strategy };
    }

    /// <summary>Bounds the mailbox; overflowing messages become dead letters (counted and logged).</summary>
    public Props WithMailboxCapacity(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        return Copy() with { MailboxCapacity = capacity };
    }

    /// <summary>Runs the actor and its timers on a dedicated thread, immune to thread-pool starvation.</summary>
    public Props WithDedicatedThread() => Copy() with { DedicatedThread = true };

    /// <summary>Sets how many messages the actor processes per thread-pool turn.</summary>
    public Props WithThroughput(int throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        return Copy() with { Throughput = throughput };
    }

    internal ActorBase NewActor() => _factory();

    private Builder Copy() => new(this);

    // A tiny record wrapper so the With* methods can use 'with' while Props itself stays a class.
    private sealed record Builder(Func<ActorBase> Factory, Type? ActorType, SupervisorStrategy? SupervisorStrategy, int? MailboxCapacity, bool DedicatedThread, int? Throughput)
    {
        public Builder(Props p) : this(p._factory, p.ActorType, p.SupervisorStrategy, p.MailboxCapacity, p.DedicatedThread, p.Throughput)
        {
        }

        public static implicit operator Props(Builder b) => new(b.Factory, b.ActorType)
        {
            SupervisorStrategy = b.SupervisorStrategy,
            MailboxCapacity = b.MailboxCapacity,
            DedicatedThread = b.DedicatedThread,
            Throughput = b.Throughput,
        };
    }
}
