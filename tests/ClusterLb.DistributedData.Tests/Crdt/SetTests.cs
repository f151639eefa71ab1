using ClusterLb.DistributedData.Crdt;
using static ClusterLb.DistributedData.Tests.Crdt.Nodes;

namespace ClusterLb.DistributedData.Tests.Crdt;

public class SetTests
{
    [Fact]
    public void GSet_is_a_union()
    {
        var a = GSet<string>.Empty.Add("x").Add("y");
        var b = GSet<string>.Empty.Add("y").Add("z");

        Assert.Equal(["x", "y", "z"], a.Merge(b).Elements.Order());
        Assert.Equal(["z"], GSet<string>.Empty.Add("y").ResetDelta().Add("z").Delta!.Elements);
    }

    [Fact]
    public void ORSet_add_wins_over_a_concurrent_remove()
    {
        var shared = ORSet<string>.Empty.Add(A, "x");
        var removedOnA = shared.Remove(A, "x");
        var addedAgainOnB = shared.Merge(removedOnA.ResetDelta()).Add(B, "x"); // B saw the remove, then re-adds
        var concurrentAddOnC = shared.Add(C, "x");                             // C never saw the remove

        Assert.False(removedOnA.Contains("x"));
        Assert.True(removedOnA.Merge(concurrentAddOnC).Contains("x"));
        Assert.True(concurrentAddOnC.Merge(removedOnA).Contains("x"));
        Assert.True(removedOnA.Merge(addedAgainOnB).Contains("x"));
    }

    [Fact]
    public void ORSet_remove_wins_over_the_adds_it_has_seen()
    {
        var a = ORSet<string>.Empty.Add(A, "x");
        var b = ORSet<string>.Empty.Add(B, "x");
        var bothSeen = a.Merge(b);
        var removed = bothSeen.Remove(C, "x");

        Assert.False(removed.Merge(a).Contains("x"));
        Assert.False(b.Merge(removed).Contains("x"));
        Assert.False(ORSet<string>.Empty.Merge(a).Merge(b).MergeDelta(removed.Delta!).Contains("x"));
    }

    [Fact]
    public void ORSet_clear_removes_only_what_it_has_seen()
    {
        var seen = ORSet<string>.Empty.Add(A, "x").Add(A, "y");
        var unseen = ORSet<string>.Empty.Add(B, "z");
        var cleared = seen.Clear(A);

        var merged = cleared.Merge(seen).Merge(unseen);

        Assert.Equal(["z"], merged.Elements);
        Assert.Equal(merged, seen.Merge(unseen).MergeDelta(cleared.Delta!));
    }

    [Fact]
    public void ORSet_pruning_keeps_elements_added_only_by_the_removed_node()
    {
        var set = ORSet<string>.Empty.Add(C, "only-c").Merge(ORSet<string>.Empty.Add(A, "a"));

        var pruned = set.Prune(C, A);

        Assert.Equal(["a", "only-c"], pruned.Elements.Order());
        Assert.False(pruned.NeedPruningFrom(C));
        Assert.Equal(["a", "only-c"], set.PruningCleanup(C).Merge(pruned).Elements.Order());
    }

    [Fact]
    public void ORSet_rejects_a_state_whose_dots_its_history_has_not_seen()
    {
        var error = Assert.Throws<ArgumentException>(() => ORSet<string>.Create([new("x", VersionVector.Dot(A, 2))], VersionVector.Dot(A, 1)));
        Assert.Contains("'x'", error.Message);
        Assert.Throws<ArgumentException>(() => ORSet<string>.Create([new("x", VersionVector.Empty)], VersionVector.Dot(A, 1)));
    }

    [Fact]
    public void Flag_once_on_stays_on()
    {
        Assert.True(Flag.Disabled.Merge(Flag.Enabled).IsEnabled);
        Assert.True(Flag.Enabled.Merge(Flag.Disabled).IsEnabled);
        Assert.False(Flag.Disabled.Merge(Flag.Disabled).IsEnabled);
    }

    [Fact]
    public void Merging_different_types_is_a_clear_error()
    {
        IReplicatedData counter = GCounter.Empty;
        var error = Assert.Throws<ArgumentException>(() => counter.Merge(Flag.Enabled));
        Assert.Contains("Flag", error.Message);
        Assert.Contains("GCounter", error.Message);
        Assert.Throws<ArgumentException>(() => ((IDeltaReplicatedData)ORSet<string>.Empty).MergeDelta(GCounter.Empty));
    }
}
