namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>One host's load summed over the nodes whose reports are fresh.</summary>
/// <param name="RemoteInFlight">Requests in flight from the other nodes (the local node's own report excluded).</param>
/// <param name="RequestsPerSecond">Picks per second over every reporting node, the local one included.</param>
/// <param name="Nodes">Reporting nodes that name the host, the local one included.</param>
public readonly record struct HostClusterLoad(int RemoteInFlight, double RequestsPerSecond, int Nodes);
