using System.Diagnostics;
using System.Globalization;
using ClusterLb.Tests.Shared;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A <c>/metrics</c> body: checked by Prometheus' own parser (<c>promtool check metrics</c>), then read as samples.
/// The sample reader only splits lines promtool already accepted; it is not a second exposition parser.
/// </summary>
internal sealed class PrometheusText
{
    private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

    private PrometheusText(string body)
    {
        Body = body;
        foreach (var line in body.Split('\n'))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var brace = line.IndexOf('{');
            var lastSpace = line.LastIndexOf(' ');
            string name;
            var labels = new Dictionary<string, string>();
            var valueText = line[(lastSpace + 1)..];
            if (brace >= 0 && brace < lastSpace)
            {
                name = line[..brace];
                var close = line.LastIndexOf('}');
                foreach (var pair in line[(brace + 1)..close].Split("\",", StringSplitOptions.RemoveEmptyEntries))
                {
                    var eq = pair.IndexOf('=');
                    labels[pair[..eq]] = pair[(eq + 1)..].Trim('"');
                }
                valueText = line[(close + 1)..].Trim().Split(' ')[0];
            }
            else
            {
                var parts = line.Split(' ');
                name = parts[0];
                valueText = parts[1];
            }
            _samples.Add((name, labels, double.Parse(valueText, CultureInfo.InvariantCulture)));
        }
    }

    public string Body { get; }

    /// <summary>
    /// Runs promtool on <paramref name="body"/>: the whole body must parse (exit 0, or 3 for lint findings about
    /// the .NET runtime's own names such as <c>dotnet_timer_count</c>), and ClusterLb's own series must also pass
    /// promtool's naming lint (exit 0). Throws with promtool's output otherwise.
    /// </summary>
    public static async Task<PrometheusText> CheckAsync(string body)
    {
        var (exit, findings) = await RunPromtoolAsync(body);
        var ours = findings.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("clusterlb_", StringComparison.Ordinal)).ToList();
        if (exit is not (0 or 3) || ours.Count > 0)
        {
            throw new InvalidOperationException($"promtool check metrics exited {exit}:\n{findings}\n--- body ---\n{body}");
        }
        var clusterLbOnly = string.Join('\n', body.Split('\n').Where(IsClusterLbLine)) + "\n";
        var (ownExit, ownFindings) = await RunPromtoolAsync(clusterLbOnly);
        if (ownExit != 0)
        {
            throw new InvalidOperationException($"promtool check metrics on the clusterlb_ series exited {ownExit}:\n{ownFindings}\n--- series ---\n{clusterLbOnly}");
        }
        return new PrometheusText(body);
    }

    private static bool IsClusterLbLine(string line) =>
        line.StartsWith("clusterlb_", StringComparison.Ordinal)
        || line.StartsWith("# TYPE clusterlb_", StringComparison.Ordinal)
        || line.StartsWith("# HELP clusterlb_", StringComparison.Ordinal)
        || line.StartsWith("# UNIT clusterlb_", StringComparison.Ordinal);

    private static async Task<(int Exit, string Output)> RunPromtoolAsync(string text)
    {
        var promtool = Prerequisites.RequirePromtool();
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Every sample of <paramref name="name"/> whose labels include <paramref name="labels"/>.</summary>
    public IEnumerable<double> Values(string name, params (string Key, string Value)[] labels) =>
        _samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Select(s => s.Value);

    /// <summary>The one sample of <paramref name="name"/> with <paramref name="labels"/>; fails when absent or ambiguous.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        var values = Values(name, labels).ToList();
        Assert.True(values.Count == 1, $"expected one sample {name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}, found {values.Count}");
        return values[0];
    }

    public bool Has(string name) => _samples.Any(s => s.Name == name);
}
