namespace ClusterLb.Actors;

/// <summary>The <see cref="ActorRefs.Nobody"/> reference. It has no system, so it cannot route to dead letters.</summary>
internal sealed class NobodyRef : IActorRef
{
    public static readonly NobodyRef Instance = new();
    private static long s_dropped;

    private NobodyRef() => Path = new ActorPath(new Address("clb", "nobody"), "nobody", 0);

    public ActorPath Path { get; }

    /// <summary>Messages sent to Nobody since the process started (they cannot reach any dead-letter office).</summary>
    public static long Dropped => Interlocked.Read(ref s_dropped);

    public void Tell(object message, IActorRef? sender = null) => Interlocked.Increment(ref s_dropped);

    public bool Equals(IActorRef? other) => ReferenceEquals(this, other);
    public override bool Equals(object? obj) => ReferenceEquals(this, obj);
    public override int GetHashCode() => 0x5eed;
    public override string ToString() => "Nobody";
}
