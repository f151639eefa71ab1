using System.Collections.Immutable;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Gossip;

public class MembershipStateTests
{
    private static readonly UniqueAddress A = Node("a"), B = Node("b"), C = Node("c"), D = Node("d");
    private static readonly IReadOnlySet<UniqueAddress> NoExits = ImmutableHashSet<UniqueAddress>.Empty;

    private static MembershipState State(UniqueAddress self, global::ClusterLb.Cluster.Gossip g) => new(g, self);

    private static global::ClusterLb.Cluster.Gossip SeenByAll(global::ClusterLb.Cluster.Gossip g) => g.Members.Aggregate(g, (x, m) => x.Seen(m.UniqueAddress));

    [Fact]
    public void Convergence_needs_every_up_and_leaving_member_to_have_seen()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Leaving, 2), M("c", MemberStatus.Joining)]);
        Assert.False(State(A, g.Seen(A)).Convergence(NoExits));
        Assert.True(State(A, g.Seen(A).Seen(B)).Convergence(NoExits)); // Joining C need not have seen
    }

    [Fact]
    public void Exiting_confirmed_counts_as_seen()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Leaving, 2)]).Seen(A);
        Assert.True(State(A, g).Convergence(new HashSet<UniqueAddress> { B }));
    }

    [Fact]
    public void Unreachable_up_member_blocks_convergence_until_down()
    {
        var g = SeenByAll(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3)]))
            .WithReachability(Reachability.Empty.Unreachable(A, C));
        Assert.False(State(A, g).Convergence(NoExits));
        var downed = g.Update([M("c", MemberStatus.Down, 3)]);
        Assert.True(State(A, downed).Convergence(NoExits));
        var exiting = g.Update([M("c", MemberStatus.Exiting, 3)]);
        Assert.True(State(A, exiting).Convergence(NoExits));
    }

    [Fact]
    public void A_down_observer_does_not_block_convergence()
    {
        var g = SeenByAll(global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("d", MemberStatus.Down, 3)]))
            .WithReachability(Reachability.Empty.Unreachable(D, B));
        Assert.True(State(A, g).Convergence(NoExits));
    }

    [Fact]
    public void Leader_is_the_first_reachable_up_or_leaving_member_in_address_order()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Joining), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Leaving, 1)]);
        Assert.Equal(B, State(A, g).Leader);
        var bUnreachable = g.WithReachability(Reachability.Empty.Unreachable(A, B));
        Assert.Equal(C, State(A, bUnreachable).Leader);
        Assert.Equal(B, State(B, bUnreachable).Leader); // self is never excluded for being reported unreachable
    }

    [Fact]
    public void Without_up_members_the_leader_prefers_weaklyup_then_joining_then_exiting_and_never_down()
    {
        Assert.Equal(B, State(A, global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Joining), M("b", MemberStatus.WeaklyUp)])).Leader);
        Assert.Equal(B, State(A, global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Exiting, 1), M("b", MemberStatus.Joining)])).Leader);
        Assert.Equal(B, State(A, global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Down, 1), M("b", MemberStatus.Exiting, 2)])).Leader);
        Assert.Null(State(A, global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Down, 1)])).Leader);
    }

    [Fact]
    public void Every_node_with_the_same_gossip_derives_the_same_leader()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 3), M("b", MemberStatus.Up, 1), M("c", MemberStatus.Up, 2)]);
        Assert.Single(new[] { A, B, C }.Select(s => State(s, g).Leader).Distinct());
    }

    [Fact]
    public void Role_leader_is_chosen_among_members_with_the_role()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2, roles: "db"), M("c", MemberStatus.Up, 3, roles: "db")]);
        var s = State(A, g);
        Assert.Equal(B, s.RoleLeader("db"));
        Assert.Null(s.RoleLeader("none"));
        Assert.Equal(B, s.RoleLeaders["db"]);
    }

    [Fact]
    public void Valid_gossip_targets_exclude_self_and_nodes_self_cannot_reach()
    {
        var g = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1), M("b", MemberStatus.Up, 2), M("c", MemberStatus.Up, 3)])
            .WithReachability(Reachability.Empty.Unreachable(A, C).Unreachable(B, A));
        var s = State(A, g);
        Assert.False(s.ValidNodeForGossip(A));
        Assert.True(s.ValidNodeForGossip(B));
        Assert.False(s.ValidNodeForGossip(C));
        Assert.False(s.ValidNodeForGossip(D));
    }

    [Fact]
    public void Min_nr_of_members_including_roles()
    {
        var s = State(A, global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Joining, roles: "lb"), M("b", MemberStatus.Joining)]));
        Assert.True(s.IsMinNrOfMembersFulfilled(2, ImmutableDictionary<string, int>.Empty));
        Assert.False(s.IsMinNrOfMembersFulfilled(3, ImmutableDictionary<string, int>.Empty));
        Assert.False(s.IsMinNrOfMembersFulfilled(1, new Dictionary<string, int> { ["lb"] = 2 }));
    }
}
