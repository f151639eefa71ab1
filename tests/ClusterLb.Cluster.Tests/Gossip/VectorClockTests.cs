namespace ClusterLb.Cluster.Tests.Gossip;

public class VectorClockTests
{
    [Fact]
    public void Compare_detects_same_before_after_and_concurrent()
    {
        var a = VectorClock.Empty.Increment("a");
        Assert.Equal(VectorClockOrdering.Same, VectorClock.Empty.CompareTo(VectorClock.Empty));
        Assert.Equal(VectorClockOrdering.Same, a.CompareTo(VectorClock.Create(a.Versions)));
        Assert.Equal(VectorClockOrdering.Before, VectorClock.Empty.CompareTo(a));
        Assert.Equal(VectorClockOrdering.After, a.CompareTo(VectorClock.Empty));
        var ab = a.Increment("b");
        var aa = a.Increment("a");
        Assert.Equal(VectorClockOrdering.Before, a.CompareTo(ab));
        Assert.Equal(VectorClockOrdering.Concurrent, ab.CompareTo(aa));
        Assert.Equal(VectorClockOrdering.Concurrent, aa.CompareTo(ab));
    }

    [Fact]
    public void Merge_takes_the_pointwise_maximum_and_dominates_both()
    {
        var x = VectorClock.Empty.Increment("a").Increment("a").Increment("b");
        var y = VectorClock.Empty.Increment("a").Increment("c").Increment("c");
        var m = x.Merge(y);
        Assert.Equal(2, m.Versions["a"]);
        Assert.Equal(1, m.Versions["b"]);
        Assert.Equal(2, m.Versions["c"]);
        Assert.Equal(VectorClockOrdering.After, m.CompareTo(x));
        Assert.Equal(VectorClockOrdering.After, m.CompareTo(y));
    }

    [Fact]
    public void Prune_forgets_a_removed_node()
    {
        var c = VectorClock.Empty.Increment("a").Increment("gone");
        var pruned = c.Prune("gone");
        Assert.False(pruned.Versions.ContainsKey("gone"));
        Assert.Equal(1, pruned.Versions["a"]);
        Assert.Same(pruned, pruned.Prune("never-there"));
    }

    [Fact]
    public void Random_histories_compare_consistently()
    {
        var rnd = new Random(42);
        var nodes = new[] { "a", "b", "c" };
        for (var i = 0; i < 500; i++)
        {
            var x = VectorClock.Empty;
            var y = VectorClock.Empty;
            for (var k = 0; k < rnd.Next(6); k++) x = x.Increment(nodes[rnd.Next(3)]);
            for (var k = 0; k < rnd.Next(6); k++) y = y.Increment(nodes[rnd.Next(3)]);
            var xy = x.CompareTo(y);
            var yx = y.CompareTo(x);
            var mirrored = xy switch
            {
                VectorClockOrdering.Before => VectorClockOrdering.After,
                VectorClockOrdering.After => VectorClockOrdering.Before,
                _ => xy,
            };
            Assert.Equal(mirrored, yx);
            Assert.NotEqual(VectorClockOrdering.Before, x.Merge(y).CompareTo(x));
        }
    }
}
