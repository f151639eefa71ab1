using System.Globalization;
using System.Text.RegularExpressions;

namespace ClusterLb.Cluster.Tests;

/// <summary>
/// hocon/reference.conf documents the cluster keys with the same defaults as <see cref="ClusterSettings"/>.
/// Checked textually: the HOCON parser lives in another layer.
/// </summary>
public partial class ReferenceConfTests
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(RepoRoot(), "hocon", "reference.conf"));

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ClusterLb.slnx"))) return dir.FullName;
        throw new InvalidOperationException("ClusterLb.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^\s*([a-z][a-z0-9-]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex Assignment();

    private static string ValueOf(string key) =>
        Lines.Select(l => Assignment().Match(l)).Where(m => m.Success && m.Groups[1].Value == key)
            .Select(m => m.Groups[2].Value).FirstOrDefault() ?? throw new Xunit.Sdk.XunitException($"reference.conf has no key '{key}'");

    private static string Dur(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours}h"
        : t.TotalSeconds >= 1 && t.TotalSeconds % 1 == 0 ? $"{t.TotalSeconds}s"
        : $"{t.TotalMilliseconds}ms";

    [Fact]
    public void Defaults_match_the_settings_type()
    {
        var s = new ClusterSettings();
        var fd = s.FailureDetector;
        var sbr = s.SplitBrainResolver;
        var expected = new Dictionary<string, string>
        {
            ["seed-nodes"] = "[]",
            ["min-nr-of-members"] = s.MinNrOfMembers.ToString(CultureInfo.InvariantCulture),
            ["gossip-interval"] = Dur(s.GossipInterval),
            ["gossip-time-to-live"] = Dur(s.GossipTimeToLive),
            ["gossip-different-view-probability"] = s.GossipDifferentViewProbability.ToString(CultureInfo.InvariantCulture),
            ["reduce-gossip-different-view-probability"] = s.ReduceGossipDifferentViewProbability.ToString(CultureInfo.InvariantCulture),
            ["leader-actions-interval"] = Dur(s.LeaderActionsInterval),
            ["unreachable-nodes-reaper-interval"] = Dur(s.UnreachableNodesReaperInterval),
            ["seed-node-timeout"] = Dur(s.SeedNodeTimeout),
            ["retry-unsuccessful-join-after"] = Dur(s.RetryUnsuccessfulJoinAfter!.Value),
            ["allow-weakly-up-members"] = Dur(s.AllowWeaklyUpMembers!.Value),
            ["down-removal-margin"] = "off",
            ["prune-gossip-tombstones-after"] = Dur(s.PruneGossipTombstonesAfter),
            ["max-ticks-before-shutting-down-myself"] = s.MaxTicksBeforeShuttingDownMyself.ToString(CultureInfo.InvariantCulture),
            ["threshold"] = fd.Threshold.ToString("0.0", CultureInfo.InvariantCulture),
            ["max-sample-size"] = fd.MaxSampleSize.ToString(CultureInfo.InvariantCulture),
            ["min-std-deviation"] = Dur(fd.MinStdDeviation),
            ["acceptable-heartbeat-pause"] = Dur(fd.AcceptableHeartbeatPause),
            ["heartbeat-interval"] = Dur(fd.HeartbeatInterval),
            ["first-heartbeat-estimate"] = Dur(fd.FirstHeartbeatEstimate),
            ["monitored-by-nr-of-members"] = fd.MonitoredByNrOfMembers.ToString(CultureInfo.InvariantCulture),
            ["expected-response-after"] = Dur(fd.ExpectedResponseAfter),
            ["active-strategy"] = "keep-majority",
            ["stable-after"] = Dur(sbr.StableAfter),
            ["down-all-when-unstable"] = "on",
            ["down-if-alone"] = "on",
            ["quorum-size"] = "undefined",
            ["hand-over-retry-interval"] = Dur(new Tools.ClusterSingletonSettings().HandOverRetryInterval),
        };
        Assert.All(expected, kv => Assert.Equal(kv.Value, ValueOf(kv.Key)));
    }

    [Fact]
    public void Environment_overrides_are_documented()
    {
        Assert.Contains(Lines, l => l.Trim() == "seed-nodes = ${?CLUSTER_SEEDS}");
        Assert.Contains(Lines, l => l.Trim() == "public-hostname = ${?CLUSTER_IP}");
        Assert.Contains(Lines, l => l.Trim() == "port = ${?CLUSTER_PORT}");
        Assert.Contains(Lines, l => l.Contains("comma-separated") && l.TrimStart().StartsWith('#'));
    }

    [Fact]
    public void Every_key_has_a_comment_above_it()
    {
        string? previous = null;
        foreach (var line in Lines.Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            var m = Assignment().Match(line);
            if (m.Success && !line.EndsWith('{'))
            {
                var sameKeyOverride = previous is not null && Assignment().Match(previous) is { Success: true } p && p.Groups[1].Value == m.Groups[1].Value;
                Assert.True(previous?.StartsWith('#') == true || sameKeyOverride, $"no comment above '{line}'");
            }
            previous = line;
        }
    }
}
