namespace ClusterLb.Actors;

/// <summary>
/// Kernel settings (HOCON <c>clusterlb.actor.*</c>). Every default is Akka's unless noted.
/// </summary>
public sealed partial record ActorSettings
{
    /// <summary>The defaults.</summary>
    public static readonly ActorSettings Default = new();

    /// <summary>Messages an actor processes per thread-pool turn: higher = better throughput, worse fairness.</summary>
    public int DefaultThroughput { get; init; } = 30;

    /// <summary>Dead letters logged per <see cref="DeadLetterLogInterval"/>; the rest are counted and summarised.</summary>
    public int DeadLetterLogLimit { get; init; } = 10;

    /// <summary>The window for <see cref="DeadLetterLogLimit"/>.</summary>
    public TimeSpan DeadLetterLogInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Timeout of a CoordinatedShutdown phase not listed in <see cref="PhaseTimeouts"/>.</summary>
    public TimeSpan DefaultPhaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Per-phase timeouts; Akka gives these three phases 10 s.</summary>
    public IReadOnlyDictionary<string, TimeSpan> PhaseTimeouts { get; init; } = new Dictionary<string, TimeSpan>
    {
        [CoordinatedShutdown.PhaseClusterShardingShutdownRegion] = TimeSpan.FromSeconds(10),
        [CoordinatedShutdown.PhaseClusterExiting] = TimeSpan.FromSeconds(10),
        [CoordinatedShutdown.PhaseActorSystemTerminate] = TimeSpan.FromSeconds(10),
    };

    /// <summary>When true, <see cref="ActorSystem.Terminate"/> runs CoordinatedShutdown (Akka's run-by-actor-system-terminate).</summary>
    public bool RunCoordinatedShutdownOnTerminate { get; init; } = true;
}
