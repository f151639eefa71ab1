using System.Text.Json;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// What the discovery tests check on every node of an <see cref="LbCluster"/>: the hosts one pool holds (each as a
/// test-chosen text, such as its id or "id state"), and that each node's proxy routes to a backend.
/// </summary>
internal static class PoolHosts
{
    /// <summary>A host as its id.</summary>
    public static string Id(JsonElement host) => host.GetProperty("id").GetString()!;

    /// <summary>A host as "id state" (<c>up</c>, <c>drain</c>, <c>down</c>).</summary>
    public static string IdAndState(JsonElement host) => $"{Id(host)} {host.GetProperty("state").GetString()}";

    /// <summary>Node <paramref name="node"/>'s hosts of <paramref name="pool"/>, each as <paramref name="describe"/> says, sorted; empty while it cannot say.</summary>
    public static async Task<string[]> OnNodeAsync(LbCluster cluster, int node, Func<JsonElement, string> describe, string pool = "main")
    {
        var answer = await cluster.Api(node).GetAsync($"/api/pools/{pool}");
        return answer.Status == 200
            ? [.. answer.Body.GetProperty("hosts").EnumerateArray().Select(describe).Order(StringComparer.Ordinal)]
            : [];
    }

    /// <summary>Waits until every node's <paramref name="pool"/> holds exactly <paramref name="expected"/>.</summary>
    public static Task WaitEverywhereAsync(LbCluster cluster, string[] expected, Func<JsonElement, string> describe, string what, TimeSpan? deadline = null, string pool = "main") =>
        Poll.UntilAsync(async () =>
        {
            foreach (var i in cluster.Indexes)
            {
                if (!(await OnNodeAsync(cluster, i, describe, pool)).SequenceEqual(expected.Order(StringComparer.Ordinal)))
                {
                    return false;
                }
            }
            return true;
        }, $"{what}: pool {pool} to hold exactly [{string.Join(", ", expected)}] on every node", deadline ?? TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(100));

    /// <summary>Waits until each node's proxy has sent <paramref name="backend"/> a request.</summary>
    public static async Task AssertRoutedByEveryNodeAsync(LbCluster cluster, TestBackend backend)
    {
        foreach (var i in cluster.Indexes)
        {
            var before = backend.Hits;
            await Poll.UntilAsync(async () =>
            {
                using var response = await cluster.Proxy(i).GetAsync("/");
                return backend.Hits > before;
            }, $"node {i + 1} to route a request to {backend.Name}", TimeSpan.FromSeconds(10));
        }
    }
}
