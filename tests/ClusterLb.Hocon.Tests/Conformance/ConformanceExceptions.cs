namespace ClusterLb.Hocon.Tests.Conformance;

/// <summary>Rows of cases.tsv where ClusterLb deliberately differs, read from conformance-exceptions.tsv (case, reason).</summary>
internal static class ConformanceExceptions
{
    public static IReadOnlyDictionary<string, string> Load()
    {
        var file = Path.Combine(AppContext.BaseDirectory, "conformance-exceptions.tsv");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }
            var tab = line.IndexOf('\t');
            result[tab < 0 ? line : line[..tab]] = tab < 0 ? "" : line[(tab + 1)..];
        }
        return result;
    }
}
