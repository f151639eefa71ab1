namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>
/// The latest load report of every node, with per-host request rates from each node's two latest reports. Pure and
/// single-threaded: its owner (the cluster-load actor) passes the time of each call, so tests drive the clock.
/// </summary>
/// <param name="staleAfter">A report received longer ago than this no longer counts (<see cref="DropStale"/>).</param>
public sealed class ClusterLoadTable(TimeSpan staleAfter)
{
    private readonly Dictionary<string, Entry> _nodes = new(StringComparer.Ordinal);

    /// <summary>Nodes whose latest report is held.</summary>
    public IReadOnlyCollection<string> Nodes => _nodes.Keys;

    /// <summary>
    /// Keeps <paramref name="report"/> as its node's latest, received at <paramref name="receivedAt"/> (the owner's
    /// monotonic clock). Rates come from the picks since the node's previous report; they are zero for a host it did
    /// not name then, and when counters or clock went backwards (a node restarted on the same address). Reports of
    /// one node arrive in order (Akka delivers in order between two nodes), so the latest is always the newest.
    /// </summary>
    public void Add(NodeLoadReport report, TimeSpan receivedAt)
    {
        ArgumentNullException.ThrowIfNull(report);
        _nodes.TryGetValue(report.Node, out var previous);
        var elapsedMs = previous is null ? 0 : report.SentAtMs - previous.Report.SentAtMs;
        var rates = new Dictionary<HostLoadKey, double>(report.Hosts.Count);
        foreach (var sample in report.Hosts)
        {
            rates[sample.Key] = elapsedMs > 0 && previous!.Picks.TryGetValue(sample.Key, out var before) && sample.Picks >= before
                ? (sample.Picks - before) * 1000.0 / elapsedMs
                : 0;
        }
        _nodes[report.Node] = new Entry(report, receivedAt, rates);
    }

    /// <summary>Forgets <paramref name="node"/> (it left or was removed from the cluster).</summary>
    public bool Remove(string node) => _nodes.Remove(node);

    /// <summary>Forgets every node whose latest report was received before <paramref name="now"/> − stale-after.</summary>
    /// <returns>The nodes dropped.</returns>
    public IReadOnlyList<string> DropStale(TimeSpan now)
    {
        var stale = _nodes.Where(n => now - n.Value.ReceivedAt > staleAfter).Select(n => n.Key).ToList();
        foreach (var node in stale)
        {
            _nodes.Remove(node);
        }
        return stale;
    }

    /// <summary>
    /// Every named host's load over the held reports; <paramref name="localNode"/>'s own requests in flight are left
    /// out of <see cref="HostClusterLoad.RemoteInFlight"/> (the node reads its live counter instead).
    /// </summary>
    public Dictionary<HostLoadKey, HostClusterLoad> Totals(string localNode)
    {
        var totals = new Dictionary<HostLoadKey, HostClusterLoad>();
        foreach (var (node, entry) in _nodes)
        {
            var remote = !string.Equals(node, localNode, StringComparison.Ordinal);
            foreach (var sample in entry.Report.Hosts)
            {
                totals.TryGetValue(sample.Key, out var sum);
                totals[sample.Key] = new HostClusterLoad(
                    sum.RemoteInFlight + (remote ? Math.Max(sample.InFlight, 0) : 0),
                    sum.RequestsPerSecond + entry.Rates[sample.Key],
                    sum.Nodes + 1);
            }
        }
        return totals;
    }

    private sealed class Entry(NodeLoadReport report, TimeSpan receivedAt, Dictionary<HostLoadKey, double> rates)
    {
        public NodeLoadReport Report { get; } = report;

        public TimeSpan ReceivedAt { get; } = receivedAt;

        public Dictionary<HostLoadKey, double> Rates { get; } = rates;

        public Dictionary<HostLoadKey, long> Picks { get; } = report.Hosts.GroupBy(h => h.Key).ToDictionary(g => g.Key, g => g.Last().Picks);
    }
}
