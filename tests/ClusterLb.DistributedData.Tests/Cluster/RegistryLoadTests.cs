using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>A registry-sized data set crosses real sockets without any frame over the transport's limit.</summary>
[Collection(RealSockets.Name)]
public class RegistryLoadTests
{
    private const int Pools = 500;
    private const int HostsPerPool = 20;

    [Fact]
    public async Task Ten_thousand_hosts_in_500_pool_keys_reach_a_fresh_node_with_no_oversized_frame()
    {
        await using var cluster = await DdataCluster.StartAsync(2);
        for (var p = 0; p < Pools; p++)
        {
            var writer = cluster[p % 2];
            var pool = p;
            Assert.IsType<UpdateSuccess>(await writer.Update(Key(p), Pool.Empty, WriteLocal.Instance, map =>
            {
                for (var h = 0; h < HostsPerPool; h++)
                {
                    map = map.SetItem(writer.Id, $"host-{h}", Spec(pool, h));
                }

                return map;
            }));
        }

        var fresh = await cluster.AddNodeAsync();
        await cluster.AllKnowEachOtherAsync();

        // Deltas were sent before the fresh node existed: only anti-entropy (status, then gossip of full states) brings them.
        await DdataCluster.Eventually(async () =>
        {
            var complete = 0;
            for (var p = 0; p < Pools; p++)
            {
                if (await fresh.GetLocal(Key(p)) is { Count: HostsPerPool } map && map.Entries["host-7"] == Spec(p, 7))
                {
                    complete++;
                }
            }

            return (complete == Pools, $"{complete} of {Pools} pools complete on the fresh node");
        }, "the fresh node holds all 500 pools", TimeSpan.FromSeconds(90));

        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.Remoting.Transport.Metrics.DroppedOversized));
        Assert.All(cluster.Nodes, n => Assert.Equal(0, n.Remoting.Transport.Metrics.InboundFramesRejected));
    }

    private static Key<Pool> Key(int pool) => new($"pool-{pool:D3}");

    private static string Spec(int pool, int host) =>
        $$"""{"address":"10.{{pool / 256}}.{{pool % 256}}.{{host}}","port":8080,"weight":1,"zone":"eu-west-1a"}""";
}
