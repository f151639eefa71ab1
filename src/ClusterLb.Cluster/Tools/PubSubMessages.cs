using ClusterLb.Actors;

namespace ClusterLb.Cluster.Tools;

/// <summary>Subscribe <see cref="Ref"/> to <see cref="Topic"/>; the mediator answers <see cref="SubscribeAck"/>.</summary>
public sealed record Subscribe(string Topic, IActorRef Ref);
/// <summary>The subscription is in place.</summary>
public sealed record SubscribeAck(Subscribe Subscribe);
/// <summary>Remove <see cref="Ref"/> from <see cref="Topic"/>; answered by <see cref="UnsubscribeAck"/>.</summary>
public sealed record Unsubscribe(string Topic, IActorRef Ref);
/// <summary>The subscription is gone.</summary>
public sealed record UnsubscribeAck(Unsubscribe Unsubscribe);
/// <summary>Deliver <see cref="Message"/> to every subscriber of <see cref="Topic"/> on every member (a protobuf message to reach other nodes).</summary>
public sealed record Publish(string Topic, object Message);
