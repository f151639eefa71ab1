using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Tests;

internal static class TestHosts
{
    public static UpstreamHost Host(string id, int weight = 1, IHostOutcomeSink? sink = null, PassiveHealthSettings? passive = null) =>
        new("svc", "pool", new HostSettings(id, new Uri($"http://127.0.0.1:1/{id}"), weight), passive ?? PassiveHealthSettings.Default, sink ?? NullOutcomeSink.Instance);

    public static ImmutableArray<UpstreamHost> Hosts(params int[] weights) =>
        weights.Select((w, i) => Host(((char)('a' + i)).ToString(), w)).ToImmutableArray();

    /// <summary>Counts <paramref name="requests"/> picks of <paramref name="host"/> in flight (never completed).</summary>
    public static void Hold(UpstreamHost host, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            host.Counters.OnPicked();
        }
    }

    public static Dictionary<string, int> Count(Func<UpstreamHost?> pick, int times)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < times; i++)
        {
            var host = pick() ?? throw new InvalidOperationException("pick returned null");
            counts[host.Id] = counts.GetValueOrDefault(host.Id) + 1;
        }
        return counts;
    }
}
