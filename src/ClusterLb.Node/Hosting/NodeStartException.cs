namespace ClusterLb.Node.Hosting;

/// <summary>The node could not start for a reason the operator can fix (its message says which); nothing was left running.</summary>
public sealed class NodeStartException(string message, Exception inner) : Exception(message, inner);
