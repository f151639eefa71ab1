namespace ClusterLb.Cluster.Sbr;

/// <summary>What a downing strategy decided for this side of a partition.</summary>
public enum SbrDecision
{
    /// <summary>This side loses: down the reachable nodes, including self.</summary>
    DownReachable,
    /// <summary>This side wins: down the unreachable nodes.</summary>
    DownUnreachable,
    /// <summary>No side can safely win: down everyone.</summary>
    DownAll,
    /// <summary>Some nodes are unreachable from some but reachable from others: down those (plus the minority).</summary>
    DownIndirectlyConnected,
}
