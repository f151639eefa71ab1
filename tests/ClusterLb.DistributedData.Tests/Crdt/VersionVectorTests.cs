using ClusterLb.DistributedData.Crdt;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Crdt;

public class VersionVectorTests
{
    [Fact]
    public void Compare_tells_same_before_after_and_concurrent()
    {
        var a1 = VersionVector.Empty.Increment(A);
        var a2 = a1.Increment(A);
        var a1b1 = a1.Increment(B);

        Assert.Equal(VersionOrdering.Same, VersionVector.Empty.Compare(VersionVector.Empty));
        Assert.Equal(VersionOrdering.Same, a1.Compare(VersionVector.Dot(A, 1)));
        Assert.Equal(VersionOrdering.Before, a1.Compare(a2));
        Assert.Equal(VersionOrdering.After, a2.Compare(a1));
        Assert.Equal(VersionOrdering.Before, VersionVector.Empty.Compare(a1));
        Assert.Equal(VersionOrdering.Concurrent, a2.Compare(a1b1));
        Assert.Equal(VersionOrdering.Concurrent, a1b1.Compare(a2));
    }

    [Fact]
    public void Merge_takes_the_highest_version_per_replica()
    {
        var left = VersionVector.Create([new(A, 3), new(B, 1)]);
        var right = VersionVector.Create([new(B, 4), new(C, 2)]);

        var merged = left.Merge(right);

        Assert.Equal(3, merged.VersionAt(A));
        Assert.Equal(4, merged.VersionAt(B));
        Assert.Equal(2, merged.VersionAt(C));
        Assert.Equal(VersionOrdering.After, merged.Compare(left));
        Assert.Equal(VersionOrdering.After, merged.Compare(right));
    }

    [Fact]
    public void Prune_drops_the_removed_replica_and_makes_the_result_newer()
    {
        var vector = VersionVector.Create([new(A, 3), new(C, 5)]);

        var pruned = vector.Prune(C, A);

        Assert.False(pruned.NeedPruningFrom(C));
        Assert.Equal(4, pruned.VersionAt(A));
        Assert.Equal(VersionOrdering.Same, vector.PruningCleanup(C).Compare(VersionVector.Dot(A, 3)));
        Assert.Same(pruned, pruned.Prune(C, A));
    }

    [Fact]
    public void Invalid_versions_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VersionVector.Dot(A, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => VersionVector.Create([new(A, -1)]));
        Assert.Throws<ArgumentException>(() => new ReplicaId("", 1));
    }

    [Fact]
    public void Replica_ids_order_by_address_then_uid()
    {
        Assert.True(new ReplicaId("a", 9).CompareTo(new ReplicaId("b", 1)) < 0);
        Assert.True(new ReplicaId("a", 1).CompareTo(new ReplicaId("a", 2)) < 0);
        Assert.Equal(0, new ReplicaId("a", 1).CompareTo(new ReplicaId("a", 1)));
    }
}
