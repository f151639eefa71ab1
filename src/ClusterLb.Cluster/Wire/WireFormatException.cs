namespace ClusterLb.Cluster.Wire;

/// <summary>A cluster message from the wire that cannot be turned into a protocol message (missing or bad fields).</summary>
public sealed class WireFormatException(string message) : Exception(message);
