using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Routing;
using ClusterLb.Runtime.ClusterLoad.Wire;

namespace ClusterLb.Runtime.ClusterLoad;

/// <summary>Reads a node's report from its route handles, and converts it to and from its protobuf form.</summary>
internal static class ClusterLoadReports
{
    /// <summary>The wire report of every host the handles route to, counters read now.</summary>
    public static ClusterLoadReport Read(string node, long sentAtMs, IEnumerable<RouteHandle> handles)
    {
        var report = new ClusterLoadReport { Node = node, SentMs = sentAtMs };
        foreach (var handle in handles)
        {
            foreach (var pool in handle.Snapshot.Pools)
            {
                var wire = new PoolLoad { Service = handle.ServiceName, Pool = pool.Id };
                foreach (var host in pool.All)
                {
                    wire.Hosts.Add(new HostLoad { Host = host.Id, InFlight = host.Counters.InFlight, Picks = host.Counters.Picks });
                }
                report.Pools.Add(wire);
            }
        }
        return report;
    }

    /// <summary>The table's form of <paramref name="wire"/>.</summary>
    public static NodeLoadReport FromWire(ClusterLoadReport wire)
    {
        var hosts = new List<HostLoadSample>();
        foreach (var pool in wire.Pools)
        {
            foreach (var host in pool.Hosts)
            {
                hosts.Add(new HostLoadSample(new HostLoadKey(pool.Service, pool.Pool, host.Host), host.InFlight, host.Picks));
            }
        }
        return new NodeLoadReport(wire.Node, wire.SentMs, hosts);
    }
}
