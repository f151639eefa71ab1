namespace ClusterLb.Hocon.Tests.Conformance;

/// <summary>One row of cases.tsv.</summary>
internal sealed record CorpusCase(string Name, string InputFile, string ExpectedFile, string Features, string Notes)
{
    public bool ExpectsError => ExpectedFile.EndsWith(".expected-error.txt", StringComparison.Ordinal);

    public bool ParseOnly => ExpectedFile.EndsWith(".expected-parse-only.txt", StringComparison.Ordinal);

    public bool NeedsEnvironment => Name.EndsWith("[with-env]", StringComparison.Ordinal);

    public static IReadOnlyList<CorpusCase> ReadAll(string corpus)
    {
        var rows = new List<CorpusCase>();
        foreach (var line in File.ReadLines(Path.Combine(corpus, "cases.tsv")).Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }
            var f = line.Split('\t');
            rows.Add(new CorpusCase(f[0], f[1], f[2], f.Length > 3 ? f[3] : "", f.Length > 4 ? f[4] : ""));
        }
        return rows;
    }
}
