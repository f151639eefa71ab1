using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Crdt;

internal static class Nodes
{
    public static readonly ReplicaId A = new("clusterlb@10.0.0.1:4053", 1);
    public static readonly ReplicaId B = new("clusterlb@10.0.0.2:4053", 2);
    public static readonly ReplicaId C = new("clusterlb@10.0.0.3:4053", 3);
}
