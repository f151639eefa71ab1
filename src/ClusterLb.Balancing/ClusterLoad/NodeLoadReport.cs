namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>One node's periodic report of its per-host load.</summary>
/// <param name="Node">The reporting node's cluster address.</param>
/// <param name="SentAtMs">
/// When the node took the counters, on its own monotonic clock in milliseconds: only differences between two
/// reports of one node are used (for rates), so clocks of different nodes need not agree.
/// </param>
/// <param name="Hosts">Every host the node routes to.</param>
public sealed record NodeLoadReport(string Node, long SentAtMs, IReadOnlyList<HostLoadSample> Hosts);
