using ClusterLb.Cluster;
using ClusterLb.Remote.Transport;

namespace ClusterLb.DistributedData.Tests.ClusterMode;

/// <summary>A few <see cref="DdataNode"/>s sharing one fault injector; the first node is the seed.</summary>
public sealed class DdataCluster : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(40);

    public TransportFaults Faults { get; } = new();

    public List<DdataNode> Nodes { get; } = [];

    public DdataNode this[int index] => Nodes[index];

    /// <summary>Starts <paramref name="count"/> nodes, joins them and waits until every replicator knows all of them.</summary>
    public static async Task<DdataCluster> StartAsync(int count, string extra = "")
    {
        var cluster = new DdataCluster();
        try
        {
            for (var i = 0; i < count; i++)
            {
                await cluster.AddNodeAsync(extra);
            }

            await cluster.AllKnowEachOtherAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more node and joins it through the first node (without waiting).</summary>
    public async Task<DdataNode> AddNodeAsync(string extra = "", bool withPersistence = false, bool startDdata = true)
    {
        var node = await DdataNode.StartAsync(Faults, extra, withPersistence, startDdata);
        Nodes.Add(node);
        node.Cluster.JoinSeedNodes([Nodes[0].Cluster.SelfAddress]);
        return node;
    }

    /// <summary>Waits until every running node's replicator counts every running node.</summary>
    public Task AllKnowEachOtherAsync()
    {
        var running = Nodes.Where(n => !n.Stopped).ToList();
        return Eventually(async () =>
        {
            var counts = await Task.WhenAll(running.Select(n => n.ReplicaCountAsync()));
            return (counts.All(c => c == running.Count), "replica counts " + string.Join(",", counts));
        }, $"every replicator knows all {running.Count} nodes");
    }

    /// <summary>Poll-until-deadline: re-checks <paramref name="check"/>, failing with its last observation.</summary>
    public static async Task Eventually(Func<Task<(bool Ok, string Observed)>> check, string what, TimeSpan? deadline = null)
    {
        var end = DateTime.UtcNow + (deadline ?? Deadline);
        var observed = "";
        while (true)
        {
            try
            {
                (var ok, observed) = await check();
                if (ok)
                {
                    return;
                }
            }
            catch (TimeoutException e)
            {
                observed = e.Message;
            }

            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"Timed out waiting until {what}. Last observed: {observed}");
            }

            await Task.Delay(50); // polling interval, not synchronisation: the condition is re-checked
        }
    }

    public async ValueTask DisposeAsync() => await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
}
