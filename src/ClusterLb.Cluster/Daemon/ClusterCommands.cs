using System.Collections.Immutable;
using ClusterLb.Actors;

namespace ClusterLb.Cluster.Daemon;

/// <summary>How a new subscriber learns the state that existed before it subscribed.</summary>
public enum InitialStateMode
{
    /// <summary>One <see cref="Events.CurrentClusterState"/> first, then the changes.</summary>
    InitialStateAsSnapshot,
    /// <summary>The events that would have built the current state (MemberUp, ...), then the changes.</summary>
    InitialStateAsEvents,
}

/// <summary>Join the cluster that the node at <see cref="Address"/> belongs to.</summary>
internal sealed record JoinTo(Address Address);
/// <summary>Join through these seed nodes.</summary>
internal sealed record JoinSeedNodes(ImmutableArray<Address> Seeds);
/// <summary>Make the member at <see cref="Address"/> leave gracefully.</summary>
internal sealed record LeaveMember(Address Address);
/// <summary>Mark the member at <see cref="Address"/> Down.</summary>
internal sealed record DownMember(Address Address);
/// <summary>Send cluster events of these types to <see cref="Subscriber"/>.</summary>
internal sealed record SubscribeEvents(IActorRef Subscriber, InitialStateMode Mode, ImmutableArray<Type> EventTypes);
/// <summary>Stop sending events to <see cref="Subscriber"/> (of <see cref="EventType"/> only, or all).</summary>
internal sealed record UnsubscribeEvents(IActorRef Subscriber, Type? EventType);
/// <summary>The daemon's periodic wake-up; the core decides which of its tasks are due.</summary>
internal sealed record DaemonTick
{
    public static readonly DaemonTick Instance = new();
}

/// <summary>Ask the cluster daemon (<c>/system/cluster</c>) for a <see cref="ClusterStatus"/>.</summary>
public sealed record GetClusterStatus
{
    /// <summary>The single instance.</summary>
    public static readonly GetClusterStatus Instance = new();
}
