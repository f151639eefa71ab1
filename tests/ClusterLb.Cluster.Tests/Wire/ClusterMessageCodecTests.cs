using System.Collections.Immutable;
using ClusterLb.Cluster.Protocol;
using ClusterLb.Cluster.Wire;
using Google.Protobuf;

namespace ClusterLb.Cluster.Tests.Wire;

public class ClusterMessageCodecTests
{
    private static UniqueAddress N(int port, long uid) => new(new Address("clb", "clusterlb", "127.0.0.1", port), uid);

    private static readonly UniqueAddress A = N(4001, 11), B = N(4002, 22), C = N(4003, 33), Gone = N(4004, 44);

    private static global::ClusterLb.Cluster.Gossip SampleGossip()
    {
        var members = new[]
        {
            Member.Restore(A, MemberStatus.Up, ["lb", "web"], 1, "1.2.3"),
            Member.Restore(B, MemberStatus.Leaving, ["lb"], 2),
            Member.Create(C),
        };
        var reach = global::ClusterLb.Cluster.Reachability.Empty.Unreachable(A, C).Unreachable(B, C).Reachable(B, C).Unreachable(B, C);
        var g = global::ClusterLb.Cluster.Gossip.Create(members, new GossipOverview([A, B], reach),
            tombstones: new Dictionary<UniqueAddress, long> { [Gone] = 1234 });
        return g.Increment(A).Increment(B).Increment(A);
    }

    private static T RoundTrip<T>(IClusterMessage m) where T : IClusterMessage
    {
        var wire = ClusterMessageCodec.Encode(m);
        var bytes = wire.ToByteArray();
        var parsed = wire.Descriptor.Parser.ParseFrom(bytes);
        return Assert.IsType<T>(ClusterMessageCodec.Decode(parsed));
    }

    [Fact]
    public void Gossip_survives_the_compact_encoding()
    {
        var g = SampleGossip();
        var back = RoundTrip<GossipEnvelope>(new GossipEnvelope(A, B, g));

        Assert.Equal(A, back.From);
        Assert.Equal(B, back.To);
        Assert.Equal(VectorClockOrdering.Same, back.Gossip.Version.CompareTo(g.Version));
        Assert.Equal(g.Members.Select(m => (m.UniqueAddress, m.Status, m.UpNumber, string.Join(",", m.Roles), m.AppVersion)),
            back.Gossip.Members.Select(m => (m.UniqueAddress, m.Status, m.UpNumber, string.Join(",", m.Roles), m.AppVersion)));
        Assert.Equal(g.SeenBy.OrderBy(x => x), back.Gossip.SeenBy.OrderBy(x => x));
        Assert.Equal(g.Overview.Reachability.Records.OrderBy(r => (r.Observer, r.Subject)), back.Gossip.Overview.Reachability.Records.OrderBy(r => (r.Observer, r.Subject)));
        Assert.Equal(g.Overview.Reachability.Versions.OrderBy(kv => kv.Key), back.Gossip.Overview.Reachability.Versions.OrderBy(kv => kv.Key));
        Assert.Equal(1234, back.Gossip.Tombstones[Gone]);
    }

    [Fact]
    public void A_received_gossip_envelope_carries_its_arrival_time_and_a_local_one_none()
    {
        var before = TimeProvider.System.GetTimestamp();
        var back = RoundTrip<GossipEnvelope>(new GossipEnvelope(A, B, SampleGossip()));
        Assert.NotNull(back.ReceivedTimestamp);
        Assert.InRange(back.ReceivedTimestamp!.Value, before, TimeProvider.System.GetTimestamp());
        Assert.Null(new GossipEnvelope(A, B, SampleGossip()).ReceivedTimestamp);
    }

    [Fact]
    public void Compact_gossip_names_each_node_once()
    {
        var wire = GossipCodec.Encode(SampleGossip());
        Assert.Equal(4, wire.Nodes.Count); // A, B, C and the tombstoned node; every other field refers by index
        Assert.All(wire.Version, e => Assert.True(e.Node >= 0 && e.Name.Length == 0));
    }

    [Fact]
    public void Every_message_round_trips()
    {
        var roles = ImmutableSortedSet.Create(StringComparer.Ordinal, "lb");
        Assert.Equal(A, RoundTrip<InitJoin>(new InitJoin(A)).From);
        Assert.Equal(A, RoundTrip<InitJoinAck>(new InitJoinAck(A)).From);
        Assert.Equal(A, RoundTrip<InitJoinNack>(new InitJoinNack(A)).From);
        var join = RoundTrip<global::ClusterLb.Cluster.Protocol.Join>(new global::ClusterLb.Cluster.Protocol.Join(A, roles, "2.0"));
        Assert.Equal((A, "lb", "2.0"), (join.Node, string.Join(",", join.Roles), join.AppVersion));
        Assert.Equal(3, RoundTrip<Welcome>(new Welcome(B, SampleGossip())).Gossip.Members.Count);
        var status = RoundTrip<GossipStatus>(new GossipStatus(A, SampleGossip().Version));
        Assert.Equal(VectorClockOrdering.Same, status.Version.CompareTo(SampleGossip().Version));
        Assert.Equal(C, RoundTrip<ExitingConfirmed>(new ExitingConfirmed(C)).Node);
        Assert.Equal((A, 7L, 99L), RoundTrip<Heartbeat>(new Heartbeat(A, 7, 99)) is var h ? (h.From, h.SequenceNr, h.CreationTimeMs) : default);
        Assert.Equal((B, 8L, 100L), RoundTrip<HeartbeatRsp>(new HeartbeatRsp(B, 8, 100)) is var r ? (r.From, r.SequenceNr, r.CreationTimeMs) : default);
    }

    [Fact]
    public void A_gossip_status_is_smaller_than_the_gossip_it_stands_for_and_keeps_odd_names()
    {
        var g = SampleGossip();
        var status = (WireGossipStatus)ClusterMessageCodec.Encode(new GossipStatus(A, g.Version));
        Assert.Equal(2, status.Nodes.Count);
        Assert.Empty(status.Version);
        Assert.True(status.CalculateSize() < GossipCodec.Encode(g).CalculateSize());

        var odd = VectorClock.Create([new("not-a-node", 3), new(VectorClock.NodeName(B), 4)]);
        var back = RoundTrip<GossipStatus>(new GossipStatus(A, odd));
        Assert.Equal(VectorClockOrdering.Same, back.Version.CompareTo(odd));
        Assert.Equal(3, back.Version.Versions["not-a-node"]);
    }

    [Fact]
    public void A_message_without_its_sender_is_rejected_with_a_reason()
    {
        var e = Assert.Throws<WireFormatException>(() => ClusterMessageCodec.Decode(new WireHeartbeat { SequenceNr = 1 }));
        Assert.Contains("node is missing", e.Message);
        Assert.Throws<WireFormatException>(() => ClusterMessageCodec.Decode(new WireInitJoin { From = new WireNode { System = "clusterlb", Host = "h", Port = 1 } }));
    }

    [Fact]
    public void Gossip_with_an_index_out_of_range_is_rejected()
    {
        var wire = GossipCodec.Encode(SampleGossip());
        wire.Members[0].Node = 42;
        var e = Assert.Throws<WireFormatException>(() => GossipCodec.Decode(wire));
        Assert.Contains("index 42", e.Message);
    }

    [Fact]
    public void Gossip_with_an_unknown_status_is_rejected()
    {
        var wire = GossipCodec.Encode(SampleGossip());
        wire.Members[0].Status = (WireMemberStatus)77;
        Assert.Throws<WireFormatException>(() => GossipCodec.Decode(wire));
    }

    [Fact]
    public void Non_protocol_wire_messages_decode_to_null()
    {
        Assert.Null(ClusterMessageCodec.Decode(new WireLeave { Address = "clb://clusterlb@h:1" }));
    }
}
