using ClusterLb.Cluster.Events;

namespace ClusterLb.Cluster.Tests.Simulation;

/// <summary>
/// Multi-node scenarios on the deterministic simulation, each over many seeds. A failure message starts with the
/// seed and the full state of every node, so the run can be replayed with that one seed.
/// </summary>
public class SimulationScenarioTests
{
    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (var s = 1; s <= 25; s++) data.Add(s * 7919);
        return data;
    }

    private static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(60);

    private static void Check(ClusterSimulation sim, bool condition, string what)
    {
        if (!condition) Assert.Fail($"{what}\n{sim.Describe()}");
    }

    private static ClusterSimulation Formed(int seed, int n, ClusterSettings? settings = null)
    {
        var sim = new ClusterSimulation(seed, settings).WithNodes(n);
        sim.StartAll(TimeSpan.FromSeconds(2));
        Check(sim, sim.RunUntil(() => sim.IsConverged(sim.Nodes), FormTimeout), $"{n} nodes did not converge");
        return sim;
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Three_nodes_form_one_cluster_with_one_leader(int seed)
    {
        var sim = Formed(seed, 3);
        var leaders = sim.Nodes.Select(n => n.State.Leader).Distinct().ToList();
        Check(sim, leaders.Count == 1 && sim[1].Self.Equals(leaders[0]), "the leader is not the lowest address on every node");
        foreach (var node in sim.Nodes)
            Check(sim, sim.Nodes.All(other => node.Events.Any(e => e.Event is MemberUp up && up.Member.UniqueAddress.Equals(other.Self))),
                $"{node.Name} did not publish MemberUp for every member");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Five_nodes_form_one_cluster_with_distinct_up_numbers(int seed)
    {
        var sim = Formed(seed, 5);
        var upNumbers = sim[1].State.Members.Select(m => m.UpNumber).ToList();
        Check(sim, upNumbers.Distinct().Count() == 5, "up numbers are not distinct");
        Check(sim, sim.Nodes.All(n => n.State.Members.SequenceEqual(sim[1].State.Members)), "members differ between nodes");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Killed_node_becomes_unreachable_is_downed_by_keep_majority_and_removed(int seed)
    {
        var sim = Formed(seed, 5);
        var victim = sim.Nodes[sim.Random.Next(5)];
        var victimUid = victim.Self;
        var killedAt = sim.Now;
        sim.Kill(victim);
        var rest = sim.Nodes.Where(n => n != victim).ToList();
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest), TimeSpan.FromSeconds(90)), "survivors did not converge without the victim");

        foreach (var n in rest)
        {
            Check(sim, n.Events.Any(e => e.Event is MemberDowned d && d.Member.UniqueAddress.Equals(victimUid)), $"{n.Name} never saw the victim Down");
            Check(sim, n.Events.Any(e => e.Event is MemberRemoved r && r.Member.UniqueAddress.Equals(victimUid) && r.PreviousStatus == MemberStatus.Down),
                $"{n.Name} never saw the victim removed after Down");
            Check(sim, n.State.LatestGossip.IsTombstoned(victimUid), $"{n.Name} has no tombstone for the victim");
        }
        var firstUnreachable = rest.SelectMany(n => n.Events).Where(e => e.Event is UnreachableMember u && u.Member.UniqueAddress.Equals(victimUid))
            .Min(e => e.At) - killedAt;
        // Phi with Akka's defaults crosses 8 about 4.5 s after the last heartbeat; the reaper runs every second.
        Check(sim, firstUnreachable >= TimeSpan.FromSeconds(3) && firstUnreachable <= TimeSpan.FromSeconds(7),
            $"unreachable after {firstUnreachable.TotalSeconds:0.0}s, expected about 4.5s");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Partition_three_two_majority_downs_minority_and_minority_downs_itself(int seed)
    {
        var sim = Formed(seed, 5);
        var shuffled = sim.Nodes.OrderBy(_ => sim.Random.Next()).ToList();
        var majority = shuffled.Take(3).ToList();
        var minority = shuffled.Skip(3).ToList();
        sim.Partition(majority, minority);

        Check(sim, sim.RunUntil(() => sim.IsConverged(majority) && minority.All(n => !n.Alive), TimeSpan.FromSeconds(120)),
            "majority did not converge alone, or the minority did not shut down");
        foreach (var n in minority)
            Check(sim, n.Core.TerminationReason is "this node was downed" or "removed from the cluster", $"{n.Name} stopped for '{n.Core.TerminationReason}'");
        foreach (var n in majority)
            Check(sim, minority.All(m => n.State.LatestGossip.IsTombstoned(m.Self)), $"{n.Name} lacks tombstones for the minority");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Partition_two_two_tie_keeps_the_side_with_the_lowest_address(int seed)
    {
        var sim = Formed(seed, 4);
        var lowest = new[] { sim[1], sim.Nodes[1 + sim.Random.Next(3)] };
        var other = sim.Nodes.Except(lowest).ToList();
        sim.Partition(lowest, other);
        Check(sim, sim.RunUntil(() => sim.IsConverged(lowest) && other.All(n => !n.Alive), TimeSpan.FromSeconds(120)),
            "the side with the lowest address did not survive alone");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void New_incarnation_joins_after_the_old_one_is_removed(int seed)
    {
        var sim = Formed(seed, 3);
        var victim = sim.Nodes[1 + sim.Random.Next(2)];
        var old = victim.Self;
        sim.Kill(victim);
        var rest = sim.Nodes.Where(n => n != victim).ToList();
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest), TimeSpan.FromSeconds(90)), "old incarnation was not removed");
        sim.Start(victim);
        Check(sim, sim.RunUntil(() => victim.Alive && sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(60)), "new incarnation did not join");
        Check(sim, !victim.Self.Equals(old) && sim.Nodes.All(n => !n.State.LatestGossip.HasMember(old)), "old incarnation still listed");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Restart_on_same_address_before_removal_downs_the_old_incarnation_and_joins(int seed)
    {
        var sim = Formed(seed, 3);
        var victim = sim.Nodes[sim.Random.Next(3)]; // the first seed too: it must rejoin, not form an island
        var old = victim.Self;
        sim.Kill(victim);
        sim.RunFor(TimeSpan.FromSeconds(1));
        sim.Start(victim); // restarted long before the failure detector or SBR would have acted
        Check(sim, sim.RunUntil(() => victim.Alive && !victim.Self.Equals(old) && sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(90)),
            "new incarnation did not replace the old one");
        var survivor = sim.Nodes.First(n => n != victim);
        Check(sim, survivor.Events.Any(e => e.Event is MemberDowned d && d.Member.UniqueAddress.Equals(old)), "old incarnation was not downed");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void First_seed_restarted_rejoins_the_running_cluster(int seed)
    {
        var sim = Formed(seed, 3);
        var first = sim[1];
        sim.Kill(first);
        var rest = sim.Nodes.Skip(1).ToList();
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest), TimeSpan.FromSeconds(90)), "old first seed was not removed");
        sim.Start(first);
        Check(sim, sim.RunUntil(() => first.Alive && sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(60)),
            "restarted first seed did not rejoin (island?)");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Graceful_leave_goes_Leaving_Exiting_Removed(int seed)
    {
        var sim = Formed(seed, 5);
        var leaver = sim.Nodes[sim.Random.Next(5)];
        var uid = leaver.Self;
        var asker = sim.Nodes[sim.Random.Next(5)];
        sim.Trace($"{asker.Name} asks {leaver.Name} to leave");
        var effects = asker.Core.Leave(leaver.Address);
        Assert.Contains(effects.Events, e => e is MemberLeft l && l.Member.UniqueAddress.Equals(uid));
        var rest = sim.Nodes.Where(n => n != leaver).ToList();
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest) && !leaver.Alive, TimeSpan.FromSeconds(60)), "leave did not complete");
        Check(sim, leaver.Core.TerminationReason is "this node left the cluster" or "removed from the cluster", $"leaver stopped for '{leaver.Core.TerminationReason}'");
        foreach (var n in rest)
        {
            var kinds = n.Events.Where(e => e.Event is MemberEvent me && me.Member.UniqueAddress.Equals(uid)).Select(e => e.Event.GetType().Name).ToList();
            var exited = kinds.IndexOf(nameof(MemberExited));
            var removed = kinds.IndexOf(nameof(MemberRemoved));
            Check(sim, exited >= 0 && removed > exited, $"{n.Name} events for leaver: {string.Join(",", kinds)}");
            Check(sim, n.Events.Any(e => e.Event is MemberRemoved r && r.Member.UniqueAddress.Equals(uid) && r.PreviousStatus == MemberStatus.Exiting),
                $"{n.Name} did not see the leaver removed from Exiting");
            Check(sim, !n.Events.Any(e => e.Event is MemberDowned d && d.Member.UniqueAddress.Equals(uid)), $"{n.Name} downed the leaver");
        }
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Two_nodes_that_lose_only_their_mutual_link_are_downed_as_indirectly_connected(int seed)
    {
        var sim = Formed(seed, 5);
        var pair = sim.Nodes.OrderBy(_ => sim.Random.Next()).Take(2).ToList();
        var rest = sim.Nodes.Except(pair).ToList();
        sim.Partition([pair[0]], [pair[1]]);
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest) && pair.All(n => !n.Alive), TimeSpan.FromSeconds(120)),
            "the indirectly connected pair was not downed while the rest continued");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Three_way_split_without_majority_downs_everyone(int seed)
    {
        var sim = Formed(seed, 5);
        var order = sim.Nodes.OrderBy(_ => sim.Random.Next()).ToList();
        List<SimNode>[] parts = [order.Take(2).ToList(), order.Skip(2).Take(2).ToList(), order.Skip(4).ToList()];
        sim.Partition(parts[0], parts[1].Concat(parts[2]));
        sim.Partition(parts[1], parts[2]);
        Check(sim, sim.RunUntil(() => sim.Nodes.All(n => !n.Alive), TimeSpan.FromSeconds(120)), "some part survived a split without majority");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Joiner_becomes_weakly_up_while_a_member_is_unreachable_and_up_after_it_is_removed(int seed)
    {
        var settings = new ClusterSettings { SplitBrainResolver = new() { StableAfter = TimeSpan.FromSeconds(40) } };
        var sim = new ClusterSimulation(seed, settings).WithNodes(4);
        var first = sim.Nodes.Take(3).ToList();
        foreach (var n in first) sim.Start(n, TimeSpan.FromSeconds(2));
        Check(sim, sim.RunUntil(() => sim.IsConverged(first), FormTimeout), "3 nodes did not converge");
        var victim = first[2];
        sim.Kill(victim);
        Check(sim, sim.RunUntil(() => first[0].State.UnreachableMembers.Count == 1, TimeSpan.FromSeconds(15)), "victim not unreachable");
        var joiner = sim[4];
        sim.Start(joiner);
        // No convergence (victim Up but unreachable, not yet downed): allow-weakly-up-members (7 s) lets the joiner in.
        Check(sim, sim.RunUntil(() => joiner.Alive && first[0].State.LatestGossip.GetMember(joiner.Self)?.Status == MemberStatus.WeaklyUp,
            TimeSpan.FromSeconds(30)), "joiner never became WeaklyUp");
        Check(sim, first[0].State.LatestGossip.GetMember(victim.Self)?.Status == MemberStatus.Up, "victim was downed too early for this test");
        var rest = new List<SimNode> { first[0], first[1], joiner };
        Check(sim, sim.RunUntil(() => sim.IsConverged(rest), TimeSpan.FromSeconds(90)), "joiner not Up after the victim was removed");
        Check(sim, first[1].Events.Any(e => e.Event is MemberWeaklyUp w && w.Member.UniqueAddress.Equals(joiner.Self)), "no MemberWeaklyUp event");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Min_nr_of_members_keeps_everyone_joining_until_enough_have_joined(int seed)
    {
        var sim = new ClusterSimulation(seed, new ClusterSettings { MinNrOfMembers = 3 }).WithNodes(3);
        sim.Start(sim[1]);
        sim.Start(sim[2], TimeSpan.FromSeconds(2));
        Check(sim, sim.RunUntil(() => sim[1].Alive && sim[1].State.Members.Count == 2 && sim[1].Core.Convergence, FormTimeout), "two nodes did not meet");
        sim.RunFor(TimeSpan.FromSeconds(15));
        Check(sim, sim[1].State.Members.All(m => m.Status == MemberStatus.Joining), "members moved Up before min-nr-of-members");
        sim.Start(sim[3]);
        Check(sim, sim.RunUntil(() => sim.IsConverged(sim.Nodes), FormTimeout), "did not become Up once three joined");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Keep_oldest_keeps_the_oldest_side_even_when_it_is_the_minority(int seed)
    {
        var settings = new ClusterSettings { SplitBrainResolver = new() { ActiveStrategy = DowningStrategyKind.KeepOldest } };
        var sim = Formed(seed, 5, settings);
        var oldest = sim.Nodes.OrderBy(n => sim[1].State.LatestGossip.GetMember(n.Self)!, MemberAgeOrdering.Instance).First();
        var withOldest = new List<SimNode> { oldest, sim.Nodes.Where(n => n != oldest).OrderBy(_ => sim.Random.Next()).First() };
        var others = sim.Nodes.Except(withOldest).ToList();
        sim.Partition(withOldest, others);
        Check(sim, sim.RunUntil(() => sim.IsConverged(withOldest) && others.All(n => !n.Alive), TimeSpan.FromSeconds(120)),
            "the two nodes with the oldest did not survive");
    }

    [Theory, MemberData(nameof(Seeds))]
    public void Lossy_network_still_converges(int seed)
    {
        var sim = new ClusterSimulation(seed).WithNodes(5);
        sim.StartAll(TimeSpan.FromSeconds(3));
        // One direction of one link is cut while forming: gossip must route around it.
        sim.Block(sim[2], sim[3]);
        sim.RunFor(TimeSpan.FromSeconds(3));
        sim.Heal();
        Check(sim, sim.RunUntil(() => sim.IsConverged(sim.Nodes), TimeSpan.FromSeconds(90)), "did not converge after the link healed");
    }
}
