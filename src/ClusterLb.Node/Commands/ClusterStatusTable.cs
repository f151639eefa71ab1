using System.Text;
using System.Text.Json;

namespace ClusterLb.Node.Commands;

/// <summary>Renders a <c>/cluster/status</c> answer as a fixed-width table, the leader marked with <c>*</c>.</summary>
public static class ClusterStatusTable
{
    private static readonly string[] Headers = ["", "ADDRESS", "STATUS", "ROLES", "REACHABLE"];

    /// <summary>The table, one line per member, followed by a summary line.</summary>
    public static string Format(JsonElement status)
    {
        var leader = status.GetProperty("leader").GetString();
        var rows = new List<string[]> { Headers };
        foreach (var m in status.GetProperty("members").EnumerateArray())
        {
            var address = m.GetProperty("address").GetString() ?? "";
            rows.Add([
                address == leader ? "*" : "",
                address,
                m.GetProperty("status").GetString() ?? "",
                string.Join(",", m.GetProperty("roles").EnumerateArray().Select(r => r.GetString())),
                m.GetProperty("reachable").GetBoolean() ? "yes" : "no",
            ]);
        }
        var widths = Enumerable.Range(0, Headers.Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendLine(string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd());
        }
        text.AppendLine($"self {status.GetProperty("self").GetString()}, leader {leader ?? "(none)"}, convergence {(status.GetProperty("convergence").GetBoolean() ? "yes" : "no")} (* = leader)");
        return text.ToString();
    }
}
