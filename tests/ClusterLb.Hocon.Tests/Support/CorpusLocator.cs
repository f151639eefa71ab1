namespace ClusterLb.Hocon.Tests.Support;

/// <summary>Finds the external conformance corpus: the repo root (holding ClusterLb.sln) then ../shared/hocon-corpus.</summary>
internal static class CorpusLocator
{
    public static readonly string? RepoRoot = FindRepoRoot();

    public static readonly string? CorpusDirectory = FindCorpus();

    public static bool RunningInCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string MissingMessage =
        "the HOCON conformance corpus (../shared/hocon-corpus beside the repository) is not present; skipped outside CI";

    private static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterLb.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }

    private static string? FindCorpus()
    {
        if (RepoRoot is null)
        {
            return null;
        }
        var corpus = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "hocon-corpus"));
        return File.Exists(Path.Combine(corpus, "cases.tsv")) ? corpus : null;
    }
}

/// <summary>A theory that is skipped when the corpus is absent, except under CI=true where it runs and fails loudly.</summary>
public sealed class CorpusTheoryAttribute : TheoryAttribute
{
    public CorpusTheoryAttribute()
    {
        if (CorpusLocator.CorpusDirectory is null && !CorpusLocator.RunningInCi)
        {
            Skip = CorpusLocator.MissingMessage;
        }
    }
}

/// <summary>A fact with the same skip rule as <see cref="CorpusTheoryAttribute"/>.</summary>
public sealed class CorpusFactAttribute : FactAttribute
{
    public CorpusFactAttribute()
    {
        if (CorpusLocator.CorpusDirectory is null && !CorpusLocator.RunningInCi)
        {
            Skip = CorpusLocator.MissingMessage;
        }
    }
}
