namespace ClusterLb.Actors;

/// <summary>Well-known references that belong to no actor system.</summary>
public static class ActorRefs
{
    /// <summary>A reference that designates no actor; messages sent to it are dropped.</summary>
    public static readonly IActorRef Nobody = NobodyRef.Instance;

    /// <summary>Use as the sender of a Tell made from outside any actor.</summary>
    public static readonly IActorRef? NoSender = null;
}
