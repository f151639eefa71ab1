using ClusterLb.DistributedData.Crdt;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Crdt;

public class CounterTests
{
    [Fact]
    public void Concurrent_increments_on_different_replicas_all_count()
    {
        var a = GCounter.Empty.Increment(A, 3);
        var b = GCounter.Empty.Increment(B, 4).Increment(B);

        Assert.Equal(8UL, a.Merge(b).Value);
        Assert.Equal(8UL, b.Merge(a).Merge(a).Value);
    }

    [Fact]
    public void The_delta_carries_only_the_changed_slot_as_an_absolute_value()
    {
        var shared = GCounter.Empty.Increment(A, 5).Merge(GCounter.Empty.Increment(B, 7));
        var updated = shared.Increment(A, 2).Increment(A);

        Assert.NotNull(updated.Delta);
        Assert.Equal([A], updated.Delta!.State.Keys);
        Assert.Equal(8UL, updated.Delta.State[A]);

        // Absolute slots make re-delivery harmless.
        var receiver = shared.MergeDelta(updated.Delta).MergeDelta(updated.Delta);
        Assert.Equal(updated, receiver);
        Assert.Null(updated.ResetDelta().Delta);
    }

    [Fact]
    public void PNCounter_goes_below_zero_and_merges_both_halves()
    {
        var a = PNCounter.Empty.Increment(A, 2).Decrement(A, 5);
        var b = PNCounter.Empty.Decrement(B, 1);

        Assert.Equal(-3, a.Value);
        Assert.Equal(-4, a.Merge(b).Value);
        Assert.Equal(a.Merge(b), b.Merge(a));
        Assert.Equal(-4, PNCounter.Empty.MergeDelta(a.Delta!).MergeDelta(b.Delta!).Value);
    }

    [Fact]
    public void Overflow_is_an_error_not_a_wraparound()
    {
        var full = GCounter.Empty.Increment(A, ulong.MaxValue);
        Assert.Throws<OverflowException>(() => full.Increment(A));
        Assert.Throws<OverflowException>(() => full.Merge(GCounter.Empty.Increment(B)).Value);
        Assert.Throws<OverflowException>(() => PNCounter.Empty.Increment(A, long.MaxValue).Increment(B, 1).Value);
    }

    [Fact]
    public void Pruning_moves_the_removed_replicas_count_to_the_collapse_target()
    {
        var counter = GCounter.Empty.Increment(A, 2).Merge(GCounter.Empty.Increment(C, 10));

        var pruned = counter.Prune(C, A);

        Assert.Equal(12UL, pruned.Value);
        Assert.Equal(12UL, pruned.State[A]);
        Assert.False(pruned.NeedPruningFrom(C));
        Assert.Equal(12UL, counter.PruningCleanup(C).Merge(pruned).Value);
    }
}
