using ClusterLb.Hocon.Tests.Support;
using Xunit.Abstractions;

namespace ClusterLb.Hocon.Tests.Conformance;

/// <summary>Runs every row of the external corpus's cases.tsv (see its README, "How to use it").</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal)
    {
        ["SECRET_A"] = "A",
        ["SECRET_B"] = "B",
        ["SECRET_C"] = "C",
    };

    public static IEnumerable<object[]> Cases()
    {
        var corpus = CorpusLocator.CorpusDirectory;
        if (corpus is null)
        {
            // Only reached under CI=true (the attribute skips otherwise): one row that fails and says why.
            yield return ["<corpus missing>"];
            yield break;
        }
        var exceptions = ConformanceExceptions.Load();
        foreach (var row in CorpusCase.ReadAll(corpus))
        {
            if (!exceptions.ContainsKey(row.Name))
            {
                yield return [row.Name];
            }
        }
    }

    [CorpusTheory]
    [MemberData(nameof(Cases))]
    public void Case(string name)
    {
        var corpus = CorpusLocator.CorpusDirectory;
        Assert.True(corpus is not null, "CI=true but " + CorpusLocator.MissingMessage);
        var row = CorpusCase.ReadAll(corpus!).Single(r => r.Name == name);
        output.WriteLine($"{row.InputFile} -> {row.ExpectedFile}; {row.Notes}");

        if (row.ExpectsError)
        {
            var error = Assert.ThrowsAny<HoconException>(() => ParseAndResolve(corpus!, row));
            output.WriteLine("error as expected: " + error.Message);
            return;
        }
        if (row.ParseOnly)
        {
            Parse(corpus!, row);
            return;
        }
        var actual = ParseAndResolve(corpus!, row);
        using var expected = JsonTreeComparer.ParseExpected(File.ReadAllText(Path.Combine(corpus!, row.ExpectedFile)));
        var difference = JsonTreeComparer.FirstDifference(expected.RootElement, actual);
        Assert.True(difference is null, difference);
    }

    [CorpusFact]
    public void Every_listed_exception_names_a_real_case_and_still_differs()
    {
        var corpus = CorpusLocator.CorpusDirectory;
        Assert.True(corpus is not null, "CI=true but " + CorpusLocator.MissingMessage);
        var rows = CorpusCase.ReadAll(corpus!).ToDictionary(r => r.Name);
        foreach (var (name, reason) in ConformanceExceptions.Load())
        {
            Assert.True(rows.TryGetValue(name, out var row), $"conformance-exceptions.tsv lists '{name}', which is not in cases.tsv");
            Assert.False(string.IsNullOrWhiteSpace(reason), $"'{name}' needs a reason");
            Assert.False(Conforms(corpus!, row!), $"'{name}' now conforms; remove it from conformance-exceptions.tsv");
        }
    }

    internal static bool Conforms(string corpus, CorpusCase row)
    {
        try
        {
            if (row.ParseOnly)
            {
                Parse(corpus, row);
                return true;
            }
            var actual = ParseAndResolve(corpus, row);
            if (row.ExpectsError)
            {
                return false;
            }
            using var expected = JsonTreeComparer.ParseExpected(File.ReadAllText(Path.Combine(corpus, row.ExpectedFile)));
            return JsonTreeComparer.FirstDifference(expected.RootElement, actual) is null;
        }
        catch (HoconException)
        {
            return row.ExpectsError;
        }
    }

    private static HoconValue Parse(string corpus, CorpusCase row)
    {
        var file = Path.Combine(corpus, row.InputFile);
        return ConfigFactory.ParseValue(File.ReadAllText(file), filePath: file);
    }

    private static HoconValue ParseAndResolve(string corpus, CorpusCase row)
    {
        var parsed = Parse(corpus, row);
        var options = new HoconResolveOptions
        {
            UseEnvironment = row.NeedsEnvironment,
            EnvironmentLookup = name => Environment.GetValueOrDefault(name),
        };
        return HoconResolver.ResolveStandalone(parsed, options) ?? new HoconObject();
    }
}
