using Akka.Actor;
using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Runtime.ClusterLoad;
using ClusterLb.Runtime.ClusterLoad.Wire;
using ClusterLb.Runtime.Tests.Support;
using Google.Protobuf;
using Xunit.Abstractions;

namespace ClusterLb.Runtime.Tests.ClusterLoad;

/// <summary>The cluster-load report crosses nodes as protobuf, through Akka.Remote's protobuf serializer, and stays small.</summary>
public sealed class ClusterLoadWireTests(ITestOutputHelper output) : ClusterTestKit
{
    // Akka.Remote's ProtobufSerializer, bound to Google.Protobuf.IMessage.
    private const int ProtobufSerializerId = 2;

    [Fact]
    public void A_report_goes_through_the_protobuf_serializer_and_reads_back_as_sent()
    {
        var report = Report(hosts: 10);

        var serializer = Sys.Serialization.FindSerializerFor(report);
        Assert.Equal(ProtobufSerializerId, serializer.Identifier);
        var bytes = serializer.ToBinary(report);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, report);
        var back = Assert.IsType<ClusterLoadReport>(Sys.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
        Assert.Equal(report, back);

        var table = ClusterLoadReports.FromWire(back);
        Assert.Equal(("akka.tcp://clusterlb@10.0.0.2:4053", 123_456L, 10), (table.Node, table.SentAtMs, table.Hosts.Count));
        Assert.Equal(new HostLoadSample(new HostLoadKey("web", "main", "host-3"), 3, 3_000), table.Hosts[2]);
        output.WriteLine($"report of 1 pool x 10 hosts: {bytes.Length} bytes");
    }

    [Theory]
    [InlineData(10)]
    [InlineData(100)]
    public void A_report_costs_each_host_its_id_and_at_most_twelve_bytes(int hosts)
    {
        var report = Report(hosts);
        var size = report.CalculateSize();
        var ids = report.Pools.Sum(p => p.Hosts.Sum(h => h.Host.Length));
        output.WriteLine($"{hosts} hosts in one pool: {size} bytes ({ids} of them host ids)");
        // Node address, clock and pool names once (under 60 bytes), then per host: tags, lengths, two varints.
        Assert.InRange(size, ids, ids + (12 * hosts) + 60);
    }

    private static ClusterLoadReport Report(int hosts)
    {
        var pool = new PoolLoad { Service = "web", Pool = "main" };
        for (var i = 1; i <= hosts; i++)
        {
            pool.Hosts.Add(new HostLoad { Host = $"host-{i}", InFlight = i, Picks = i * 1_000L });
        }
        return new ClusterLoadReport { Node = "akka.tcp://clusterlb@10.0.0.2:4053", SentMs = 123_456, Pools = { pool } };
    }
}
