using ClusterLb.Cluster.Events;
using ClusterLb.Cluster.Join;
using ClusterLb.Cluster.Protocol;
using ClusterLb.Cluster.Tests.Simulation;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Protocol;

public class ClusterCoreTests
{
    private readonly VirtualTimeProvider _time = new();

    private ClusterCore Core(string host, params string[] seeds) =>
        new(Node(host), new ClusterSettings { SeedNodes = [.. seeds.Select(s => Addr(s))] }, _time, new Random(1));

    private CoreEffects Advance(ClusterCore core, TimeSpan by)
    {
        var messages = new List<Send>();
        var events = new List<ClusterEvent>();
        var end = _time.Elapsed + by;
        CoreEffects last;
        do
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            last = core.Tick();
            messages.AddRange(last.Messages);
            events.AddRange(last.Events);
        } while (_time.Elapsed < end);
        return last with { Messages = [.. messages], Events = [.. events] };
    }

    [Fact]
    public void Single_seed_forms_a_cluster_of_one_and_becomes_up_and_leader()
    {
        var core = Core("a", "a");
        var start = core.Start();
        Assert.Equal(SeedJoinPhase.Joined, core.JoinPhase);
        Assert.Contains(start.Events, e => e is MemberJoined);
        Assert.Contains(start.Events, e => e is LeaderChanged l && l.Leader == Node("a"));
        var later = Advance(core, TimeSpan.FromSeconds(1.5));
        Assert.Contains(later.Events, e => e is MemberUp up && up.Member.UpNumber == 1);
        Assert.True(core.Convergence);
    }

    [Fact]
    public void Uninitialized_node_nacks_init_join_and_an_initialized_one_acks()
    {
        var fresh = Core("b", "a", "b");
        fresh.Start();
        var reply = fresh.Receive(new InitJoin(Node("x")));
        Assert.Equal([new Send(Addr("x"), new InitJoinNack(Node("b")))], reply.Messages);

        var running = Core("a", "a");
        running.Start();
        Assert.IsType<InitJoinAck>(running.Receive(new InitJoin(Node("x"))).Messages.Single().Message);
    }

    [Fact]
    public void Join_then_welcome_makes_the_joiner_a_member()
    {
        var a = Core("a", "a");
        a.Start();
        Advance(a, TimeSpan.FromSeconds(1.5));
        var b = Core("b", "a");
        var init = b.Start();
        Assert.Equal(new Send(Addr("a"), new InitJoin(Node("b"))), init.Messages.Single());
        var ack = a.Receive(init.Messages.Single().Message).Messages.Single();
        var join = b.Receive(ack.Message).Messages.Single();
        Assert.IsType<global::ClusterLb.Cluster.Protocol.Join>(join.Message);
        var welcome = a.Receive(join.Message);
        Assert.Contains(welcome.Events, e => e is MemberJoined j && j.Member.UniqueAddress == Node("b"));
        var afterWelcome = b.Receive(welcome.Messages.Single().Message);
        Assert.True(b.IsInitialized);
        Assert.IsType<GossipEnvelope>(afterWelcome.Messages.Single().Message);
        Assert.True(b.State.LatestGossip.SeenByNode(Node("b")));
    }

    [Fact]
    public void Gossip_for_another_incarnation_is_ignored_and_a_tombstone_for_self_stops_the_node()
    {
        var a = Core("a", "a");
        a.Start();
        var before = a.State.LatestGossip;
        var other = global::ClusterLb.Cluster.Gossip.Create([M("a", MemberStatus.Up, 1, uid: 2)]);
        a.Receive(new GossipEnvelope(Node("z"), Node("a", uid: 2), other));
        Assert.Same(before, a.State.LatestGossip);
        var removed = global::ClusterLb.Cluster.Gossip.Create([M("z", MemberStatus.Up, 1)]).Remove(Node("a"), 1);
        var fx = a.Receive(new GossipEnvelope(Node("z"), Node("a"), removed));
        Assert.True(fx.Terminated);
        Assert.Empty(a.Receive(new InitJoin(Node("x"))).Messages);
    }

    [Fact]
    public void Gossip_that_waited_here_longer_than_gossip_time_to_live_is_discarded_and_fresh_gossip_is_applied()
    {
        var a = Core("a", "a");
        a.Start();
        Advance(a, TimeSpan.FromSeconds(1.5));
        var b = Core("b", "a");
        var ack = a.Receive(b.Start().Messages.Single().Message).Messages.Single();
        var welcome = a.Receive(b.Receive(ack.Message).Messages.Single().Message);
        b.Receive(welcome.Messages.Single().Message);
        a.Leave(Addr("a"));
        Assert.Equal(MemberStatus.Leaving, a.State.LatestGossip.GetMember(Node("a"))!.Status);
        var ttl = new ClusterSettings().GossipTimeToLive;

        var stale = new GossipEnvelope(Node("a"), Node("b"), a.State.LatestGossip) { ReceivedTimestamp = _time.GetTimestamp() };
        _time.Advance(ttl + TimeSpan.FromMilliseconds(1));
        b.Receive(stale);
        Assert.NotEqual(MemberStatus.Leaving, b.State.LatestGossip.GetMember(Node("a"))!.Status);

        var fresh = stale with { ReceivedTimestamp = _time.GetTimestamp() };
        _time.Advance(ttl);
        b.Receive(fresh);
        Assert.Equal(MemberStatus.Leaving, b.State.LatestGossip.GetMember(Node("a"))!.Status);
    }

    [Fact]
    public void Unknown_messages_are_rejected_clearly()
    {
        var a = Core("a", "a");
        var e = Assert.Throws<ArgumentException>(() => a.Receive(new Bogus()));
        Assert.Contains("Bogus", e.Message);
    }

    [Fact]
    public void Leave_and_down_of_unknown_addresses_change_nothing()
    {
        var a = Core("a", "a");
        a.Start();
        var g = a.State.LatestGossip;
        Assert.Empty(a.Leave(Addr("nope")).Events);
        Assert.Empty(a.Down(Addr("nope")).Events);
        Assert.Same(g, a.State.LatestGossip);
    }

    [Fact]
    public void Invalid_settings_are_rejected_at_construction() =>
        Assert.Throws<ArgumentException>(() => new ClusterCore(Node("a"), new ClusterSettings { MinNrOfMembers = 0 }, _time, new Random(1)));

    [Fact]
    public void Operator_down_is_counted_in_metrics()
    {
        var downs = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ClusterLb.Cluster" && instrument.Name == "clusterlb.cluster.members.downed") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var t in tags)
                if (t.Key == "by" && (string?)t.Value == "operator") Interlocked.Add(ref downs, value);
        });
        listener.Start();
        var a = Core("a", "a");
        a.Start();
        var fx = a.Down(Addr("a"));
        Assert.Contains(fx.Events, e => e is MemberDowned);
        Assert.True(Interlocked.Read(ref downs) >= 1);
    }

    private sealed record Bogus : IClusterMessage;
}
