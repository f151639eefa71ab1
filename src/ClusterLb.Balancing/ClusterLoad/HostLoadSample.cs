namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>One host's counters on one node when it reported.</summary>
/// <param name="Key">The host.</param>
/// <param name="InFlight">The node's requests in flight to the host.</param>
/// <param name="Picks">How many times the node has picked the host (monotonic while the node runs).</param>
public readonly record struct HostLoadSample(HostLoadKey Key, int InFlight, long Picks);
