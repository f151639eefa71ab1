using ClusterLb.Cluster.Daemon;
using ClusterLb.Cluster.Events;

namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class FailureTests
{
    [Fact]
    public async Task A_killed_node_becomes_unreachable_is_downed_by_keep_majority_and_removed()
    {
        await using var c = await TestCluster.StartAsync(3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var victim = c.Nodes[2];
        var survivors = c.Nodes.Take(2).ToList();
        var (probe, events) = EventProbe.Start(survivors[0].System, "probe");
        survivors[0].Cluster.Subscribe(probe, InitialStateMode.InitialStateAsEvents, typeof(UnreachableMember), typeof(MemberDowned), typeof(MemberRemoved));

        await victim.KillAsync();

        await TestCluster.AgreeAsync(survivors, survivors);
        await Eventually.Until(() => Task.FromResult((
            events.OfType<MemberRemoved>().Any(r => r.Member.UniqueAddress.Uid == victim.Uid), string.Join(", ", events))), "the survivor publishes MemberRemoved");
        var seen = events.Where(e => e is ReachabilityEvent r ? r.Member.UniqueAddress.Uid == victim.Uid : ((MemberEvent)e).Member.UniqueAddress.Uid == victim.Uid)
            .Select(e => e.GetType().Name).ToList();
        Assert.Equal(["UnreachableMember", "MemberDowned", "MemberRemoved"], seen.Distinct().ToList());
        Assert.Equal(MemberStatus.Down, events.OfType<MemberRemoved>().Single(r => r.Member.UniqueAddress.Uid == victim.Uid).PreviousStatus);
        Assert.True(survivors[0].Remoting.Transport.IsQuarantined(victim.Uid), "a removed incarnation is quarantined");
    }

    [Fact]
    public async Task The_first_seed_restarted_on_its_port_rejoins_as_a_new_incarnation_and_no_second_cluster_forms()
    {
        await using var c = await TestCluster.StartAsync(3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var first = c.Nodes[0];
        var port = first.Address.Port!.Value;

        await first.KillAsync();
        var restarted = await c.AddNodeAsync(port);
        Assert.NotEqual(first.Uid, restarted.Uid);
        restarted.Cluster.JoinSeedNodes(c.Seeds);

        var expected = new[] { restarted, c.Nodes[1], c.Nodes[2] };
        await TestCluster.AgreeAsync(expected, expected, TimeSpan.FromSeconds(45));
        var status = await restarted.StatusAsync();
        Assert.DoesNotContain(status.Members, m => m.Uid == first.Uid);
        Assert.Equal(3, status.Members.Count);
    }

    [Fact]
    public async Task Graceful_leave_goes_Leaving_Exiting_Removed_and_the_node_stops()
    {
        await using var c = await TestCluster.StartAsync(3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var leaderAddress = (await c.Nodes[0].StatusAsync()).Leader;
        var leader = c.Nodes.Single(n => n.Address.ToString() == leaderAddress);
        var leaving = c.Nodes.First(n => n != leader);
        var (probe, events) = EventProbe.Start(leader.System, "probe");
        leader.Cluster.Subscribe(probe, InitialStateMode.InitialStateAsSnapshot, typeof(MemberEvent));

        leaving.Cluster.Leave(leaving.Address);

        await leaving.Cluster.WhenTerminated.WaitAsync(Eventually.DefaultDeadline);
        var rest = c.Nodes.Where(n => n != leaving).ToList();
        await TestCluster.AgreeAsync(rest, rest);
        await Eventually.Until(() => Task.FromResult((
            events.OfType<MemberRemoved>().Any(r => r.Member.UniqueAddress.Uid == leaving.Uid), string.Join(", ", events))), "the leader publishes MemberRemoved");
        var seen = events.OfType<MemberEvent>().Where(e => e.Member.UniqueAddress.Uid == leaving.Uid).Select(e => e.GetType().Name).ToList();
        Assert.Equal(["MemberLeft", "MemberExited", "MemberRemoved"], seen);
        Assert.Equal(MemberStatus.Exiting, events.OfType<MemberRemoved>().Single(r => r.Member.UniqueAddress.Uid == leaving.Uid).PreviousStatus);
        Assert.Equal(MemberStatus.Removed, leaving.Cluster.SelfMember.Status);
    }

    [Fact]
    public async Task Terminating_a_node_leaves_gracefully_through_CoordinatedShutdown()
    {
        await using var c = await TestCluster.StartAsync(3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var observer = c.Nodes[0];
        var leaving = c.Nodes[2];
        var (probe, events) = EventProbe.Start(observer.System, "probe");
        observer.Cluster.Subscribe(probe, InitialStateMode.InitialStateAsSnapshot, typeof(MemberRemoved), typeof(MemberDowned));

        await leaving.System.Terminate().WaitAsync(Eventually.DefaultDeadline);

        var rest = c.Nodes.Take(2).ToList();
        await TestCluster.AgreeAsync(rest, rest);
        await Eventually.Until(() => Task.FromResult((
            events.OfType<MemberRemoved>().Any(r => r.Member.UniqueAddress.Uid == leaving.Uid), string.Join(", ", events))), "the observer publishes MemberRemoved");
        Assert.Equal(MemberStatus.Exiting, events.OfType<MemberRemoved>().Single(r => r.Member.UniqueAddress.Uid == leaving.Uid).PreviousStatus);
        Assert.DoesNotContain(events.OfType<MemberDowned>(), d => d.Member.UniqueAddress.Uid == leaving.Uid);
        Assert.True(leaving.Cluster.IsTerminated);
    }

    [Fact]
    public async Task Partition_3_2_the_majority_downs_the_minority_and_the_minority_downs_itself()
    {
        await using var c = await TestCluster.StartAsync(5, seedCount: 3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var majority = c.Nodes.Take(3).ToList();
        var minority = c.Nodes.Skip(3).ToList();

        foreach (var a in majority)
        foreach (var b in minority)
            c.Faults.BlockBoth(a.NodeAddress, b.NodeAddress);

        await Task.WhenAll(minority.Select(n => n.Cluster.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(45))));
        await TestCluster.AgreeAsync(majority, majority, TimeSpan.FromSeconds(45));
        Assert.All(minority, n => Assert.Equal(MemberStatus.Removed, n.Cluster.SelfMember.Status));
        var status = await majority[0].StatusAsync();
        Assert.DoesNotContain(status.Members, m => minority.Any(n => n.Uid == m.Uid));

        // Heal, then restart the minority nodes on their ports: new incarnations join the surviving cluster.
        foreach (var a in majority)
        foreach (var b in minority)
            c.Faults.UnblockBoth(a.NodeAddress, b.NodeAddress);
        var restarted = new List<TestNode>();
        foreach (var old in minority)
        {
            await old.DisposeAsync();
            var n = await c.AddNodeAsync(old.Address.Port!.Value);
            n.Cluster.JoinSeedNodes(c.Seeds);
            restarted.Add(n);
        }
        var all = majority.Concat(restarted).ToList();
        await TestCluster.AgreeAsync(all, all, TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task Random_bytes_and_an_oversized_frame_on_the_cluster_port_do_not_disturb_the_cluster()
    {
        await using var c = await TestCluster.StartAsync(3);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var target = c.Nodes[1];
        var rejected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var count = 0;
        target.Remoting.Transport.Events += e => { if (e is Remote.InboundFrameRejectedEvent && Interlocked.Increment(ref count) >= 2) rejected.TrySetResult(); };

        using (var garbage = new System.Net.Sockets.TcpClient())
        {
            await garbage.ConnectAsync("127.0.0.1", target.Address.Port!.Value);
            var bytes = new byte[4096];
            new Random(7).NextBytes(bytes);
            bytes[0] = 0; bytes[1] = 0; bytes[2] = 0x10; bytes[3] = 0; // a plausible length, then junk
            await garbage.GetStream().WriteAsync(bytes);
        }
        using (var oversized = new System.Net.Sockets.TcpClient())
        {
            await oversized.ConnectAsync("127.0.0.1", target.Address.Port!.Value);
            await oversized.GetStream().WriteAsync(new byte[] { 0x7f, 0xff, 0xff, 0xff, 1, 2, 3 });
        }

        await rejected.Task.WaitAsync(Eventually.DefaultDeadline);
        var statuses = await Task.WhenAll(c.Nodes.Select(n => n.StatusAsync()));
        Assert.All(statuses, s => Assert.True(s.Members.Count == 3 && s.Members.All(m => m.Status == "Up" && m.Reachable), TestCluster.Describe(s)));
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
    }

    [Fact]
    public async Task A_node_with_the_wrong_secret_cannot_join()
    {
        await using var c = await TestCluster.StartAsync(2);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var refused = new TaskCompletionSource<Remote.HandshakeRefusedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var intruder = await TestNode.StartAsync(c.Faults, secret: "wrong-secret");
        await using var _ = intruder;
        intruder.Remoting.Transport.Events += e => { if (e is Remote.HandshakeRefusedEvent r) refused.TrySetResult(r); };

        intruder.Cluster.JoinSeedNodes(c.Seeds);

        var refusal = await refused.Task.WaitAsync(Eventually.DefaultDeadline);
        Assert.Equal(Remote.Wire.RefusalReason.SecretMismatch, refusal.Reason);
        // The intruder's seed join keeps retrying and keeps being refused; the cluster never grows.
        await Eventually.Until(async () =>
        {
            var st = await c.Nodes[0].StatusAsync();
            return (st.Members.Count == 2 && intruder.Cluster.SelfMember.Status == MemberStatus.Removed && !intruder.Cluster.State.Members.Any(), TestCluster.Describe(st));
        }, "the cluster still has only its two members");
        Assert.DoesNotContain((await c.Nodes[1].StatusAsync()).Members, m => m.Uid == intruder.Uid);
    }
}
