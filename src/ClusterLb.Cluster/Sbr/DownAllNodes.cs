namespace ClusterLb.Cluster.Sbr;

/// <summary>down-all: any unreachability downs every node. For clusters that are restarted as a whole.</summary>
public sealed class DownAllNodes : DowningStrategy
{
    /// <inheritdoc />
    public override SbrDecision Decide(SbrWorldView view) => SbrDecision.DownAll;
}
