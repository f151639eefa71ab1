namespace ClusterLb.Actors;

/// <summary>Why CoordinatedShutdown ran (Akka's reasons).</summary>
public sealed record CoordinatedShutdownReason(string Name)
{
    /// <summary>No specific reason given.</summary>
    public static readonly CoordinatedShutdownReason Unknown = new("unknown");

    /// <summary><see cref="ActorSystem.Terminate"/> was called.</summary>
    public static readonly CoordinatedShutdownReason ActorSystemTerminate = new("actor-system-terminate");

    /// <summary>The process got SIGTERM, Ctrl-C or is exiting.</summary>
    public static readonly CoordinatedShutdownReason ProcessExit = new("process-exit");

    /// <summary>This node was downed by the cluster.</summary>
    public static readonly CoordinatedShutdownReason ClusterDowning = new("cluster-downing");

    /// <summary>This node left the cluster.</summary>
    public static readonly CoordinatedShutdownReason ClusterLeaving = new("cluster-leaving");

    /// <summary>This node could not join the cluster in time.</summary>
    public static readonly CoordinatedShutdownReason ClusterJoinUnsuccessful = new("cluster-join-unsuccessful");

    /// <inheritdoc />
    public override string ToString() => Name;
}
