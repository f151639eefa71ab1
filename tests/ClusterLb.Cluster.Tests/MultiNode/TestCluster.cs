using ClusterLb.Cluster.Daemon;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>A set of <see cref="TestNode"/>s sharing one fault injector; disposes them all.</summary>
internal sealed class TestCluster : IAsyncDisposable
{
    public TransportFaults Faults { get; } = new();
    /// <summary>What every node logged (Information and above).</summary>
    public CapturedLogs Logs { get; } = new();
    public List<TestNode> Nodes { get; } = [];
    public IReadOnlyList<Address> Seeds { get; private set; } = [];

    public IEnumerable<TestNode> Alive => Nodes.Where(n => !n.Killed);

    /// <summary>Starts <paramref name="count"/> nodes on OS-assigned ports; the first <paramref name="seedCount"/> are the seeds.</summary>
    public static async Task<TestCluster> StartAsync(int count, int seedCount = 2, string extra = "")
    {
        var c = new TestCluster();
        try
        {
            for (var i = 0; i < count; i++) c.Nodes.Add(await TestNode.StartAsync(c.Faults, extra: extra, logs: c.Logs));
        }
        catch
        {
            await c.DisposeAsync();
            throw;
        }
        c.Seeds = c.Nodes.Take(seedCount).Select(n => n.Address).ToList();
        return c;
    }

    public void JoinAll()
    {
        foreach (var n in Nodes) n.Cluster.JoinSeedNodes(Seeds);
    }

    public async Task<TestNode> AddNodeAsync(int port = 0, string secret = "test-secret", string extra = "")
    {
        var n = await TestNode.StartAsync(Faults, port, secret, extra, Logs);
        Nodes.Add(n);
        return n;
    }

    /// <summary>Waits until every given node sees exactly <paramref name="expected"/> as Up members, one leader, convergence.</summary>
    public static Task AgreeAsync(IReadOnlyCollection<TestNode> observers, IReadOnlyCollection<TestNode> expected, TimeSpan? deadline = null) =>
        Eventually.Until(async () =>
        {
            var want = expected.Select(n => $"{n.Address}#{n.Uid}").OrderBy(s => s, StringComparer.Ordinal).ToList();
            var statuses = await Task.WhenAll(observers.Select(o => o.StatusAsync()));
            var leaders = statuses.Select(s => s.Leader).Distinct().ToList();
            foreach (var s in statuses)
            {
                var have = s.Members.Select(m => $"{m.Address}#{m.Uid}").OrderBy(x => x, StringComparer.Ordinal).ToList();
                if (!have.SequenceEqual(want) || s.Members.Any(m => m.Status != "Up" || !m.Reachable) || !s.Convergence)
                    return (false, Describe(s));
            }
            if (leaders.Count != 1 || leaders[0] is null) return (false, "leaders: " + string.Join(", ", leaders));
            return (true, "");
        }, $"{observers.Count} nodes agree on {expected.Count} Up members with one leader", deadline);

    public static string Describe(ClusterStatus s) =>
        $"{s.Self}: leader={s.Leader} convergence={s.Convergence} members=[{string.Join(", ", s.Members.Select(m => $"{m.Address}#{m.Uid}:{m.Status}{(m.Reachable ? "" : "(unreachable)")}"))}]";

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
    }
}
