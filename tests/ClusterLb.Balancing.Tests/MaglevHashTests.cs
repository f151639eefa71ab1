using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Routing;
using static ClusterLb.Balancing.Tests.TestHosts;

namespace ClusterLb.Balancing.Tests;

/// <summary>Consistent hashing: agreement across nodes and orders, key movement, bounded loads, keyless requests.</summary>
public class MaglevHashTests
{
    private static readonly string[] Keys = [.. Enumerable.Range(0, 10_000).Select(i => $"user-{i}")];

    // Hosts as another node builds them: fresh instances (own counters), same pool and ids, any order.
    private static ImmutableArray<UpstreamHost> Node(IEnumerable<string> ids) => [.. ids.Select(id => Host(id))];

    private static string[] Route(ImmutableArray<UpstreamHost> hosts, double factor = 0)
    {
        var policy = new MaglevHashPolicy(factor);
        return [.. Keys.Select(k => policy.Pick(hosts, TestPolicies.Key(k))!.Id)];
    }

    private static string[] Ids(int n) => [.. Enumerable.Range(0, n).Select(i => $"h{i}")];

    [Fact]
    public void Same_key_reaches_the_same_host_on_every_node_whatever_the_candidate_order()
    {
        var ids = Ids(7);
        var reference = Route(Node(ids));
        var random = new Random(9);
        for (var node = 0; node < 3; node++)
        {
            Assert.Equal(reference, Route(Node(ids.OrderBy(_ => random.Next()))));
        }
        Assert.Equal(reference, Route(Node(ids.Reverse())));
        // Every host gets keys (the hash is not degenerate).
        Assert.Equal(7, reference.Distinct().Count());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(10)]
    public void Removing_or_adding_one_of_n_hosts_moves_at_most_1_3_over_n_of_the_keys(int n)
    {
        var ids = Ids(n);
        var before = Route(Node(ids));
        var bound = (int)(Keys.Length * 1.3 / n);

        var removed = ids[n / 2];
        var afterRemove = Route(Node(ids.Where(id => id != removed)));
        var moved = Keys.Select((_, i) => before[i] != afterRemove[i]).Count(m => m);
        Assert.InRange(moved, 1, bound);
        // The removed host's keys had to move; the others' barely did.
        Assert.All(Keys.Select((_, i) => i).Where(i => before[i] == removed), i => Assert.NotEqual(removed, afterRemove[i]));

        var afterAdd = Route(Node([.. ids, "added"]));
        var movedOnAdd = Keys.Select((_, i) => before[i] != afterAdd[i]).Count(m => m);
        Assert.InRange(movedOnAdd, 1, (int)(Keys.Length * 1.3 / (n + 1)));
        // Nearly all of them went to the new host (Maglev's table shifts a few slots between the others too).
        Assert.True(Keys.Select((_, i) => i).Count(i => before[i] != afterAdd[i] && afterAdd[i] == "added") >= movedOnAdd * 0.9);
    }

    [Fact]
    public void A_weight_change_moves_keys_only_toward_or_away_from_that_host()
    {
        var ids = Ids(4);
        var equal = Route([.. ids.Select(id => Host(id, 2))]);
        var heavier = Route([.. ids.Select(id => Host(id, id == "h0" ? 4 : 2))]);
        var moved = Keys.Select((_, i) => i).Where(i => equal[i] != heavier[i]).ToList();
        // h0 goes from 1/4 to 2/5 of the keys: about 15 % move.
        Assert.InRange(moved.Count, 1000, 2000);
        Assert.True(moved.Count(i => heavier[i] == "h0") >= moved.Count * 0.9);
    }

    [Fact]
    public void Table_size_is_prime_and_grows_for_large_pools()
    {
        static bool Prime(int n) => n > 1 && Enumerable.Range(2, (int)Math.Sqrt(n) - 1).All(d => n % d != 0);
        Assert.True(Prime(MaglevTable.SmallSize));
        Assert.True(Prime(MaglevTable.LargeSize));
        Assert.Equal(MaglevTable.SmallSize, new MaglevTable(Node(Ids(MaglevTable.LargeTableHosts))).Size);
        Assert.Equal(MaglevTable.LargeSize, new MaglevTable(Node(Ids(MaglevTable.LargeTableHosts + 1))).Size);
    }

    [Fact]
    public void Bounded_loads_spill_a_hot_key_to_the_next_host_of_its_probe_sequence()
    {
        var hosts = Node(Ids(4));
        var policy = new MaglevHashPolicy(1.25);
        var home = new MaglevHashPolicy().Pick(hosts, TestPolicies.Key("hot"))!;
        for (var picked = 1; picked <= 40; picked++)
        {
            policy.Pick(hosts, TestPolicies.Key("hot"))!.Counters.OnPicked();
            var cap = (int)Math.Ceiling(1.25 * picked / hosts.Length);
            Assert.All(hosts, h => Assert.InRange(h.Counters.InFlight, 0, cap));
        }
        // The key's own host holds its full share; the rest spilled over the others.
        Assert.Equal((int)Math.Ceiling(1.25 * 40 / 4), home.Counters.InFlight);
        Assert.All(hosts, h => Assert.True(h.Counters.InFlight > 0));

        // Without the bound every request of the key goes home.
        var unbounded = Node(Ids(4));
        var plain = new MaglevHashPolicy();
        for (var i = 0; i < 40; i++)
        {
            plain.Pick(unbounded, TestPolicies.Key("hot"))!.Counters.OnPicked();
        }
        Assert.Equal(40, unbounded.Max(h => h.Counters.InFlight));
    }

    [Fact]
    public void The_spill_order_is_the_same_on_every_node()
    {
        string[] Spill(IEnumerable<string> ids)
        {
            var hosts = Node(ids);
            var policy = new MaglevHashPolicy(1);
            return [.. Enumerable.Range(0, 12).Select(_ =>
            {
                var host = policy.Pick(hosts, TestPolicies.Key("hot"))!;
                host.Counters.OnPicked();
                return host.Id;
            })];
        }
        var ids = Ids(5);
        Assert.Equal(Spill(ids), Spill(ids.Reverse()));
    }

    [Fact]
    public void Requests_without_a_key_rotate_by_weight()
    {
        var hosts = Hosts(2, 1, 1);
        var policy = new MaglevHashPolicy();
        var counts = Count(() => policy.Pick(hosts, new PickContext(0, hasKey: false)), 400);
        Assert.Equal((200, 100, 100), (counts["a"], counts["b"], counts["c"]));
    }

    [Fact]
    public void A_retry_takes_the_next_host_of_the_key_s_probe_sequence_on_every_node()
    {
        var ids = Ids(6);
        var nodeA = Node(ids);
        var nodeB = Node(ids.Reverse());
        var policyA = new MaglevHashPolicy();
        var policyB = new MaglevHashPolicy();
        foreach (var key in Keys.Take(200))
        {
            var firstA = policyA.Pick(nodeA, TestPolicies.Key(key))!;
            var firstB = nodeB.Single(h => h.Id == firstA.Id);
            var secondA = policyA.Pick(nodeA, TestPolicies.Key(key, [firstA]))!;
            var secondB = policyB.Pick(nodeB, TestPolicies.Key(key, [firstB]))!;
            Assert.NotEqual(firstA.Id, secondA.Id);
            Assert.Equal(secondA.Id, secondB.Id);
        }
    }
}
