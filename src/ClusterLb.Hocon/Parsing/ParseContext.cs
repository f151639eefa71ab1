namespace ClusterLb.Hocon.Parsing;

/// <summary>What a parse needs beyond the text: where the text came from and the chain of includes that led to it.</summary>
internal sealed record ParseContext(
    HoconParseOptions Options,
    string? FilePath,
    string BaseDirectory,
    HoconPath IncludePrefix,
    IReadOnlyList<string> IncludeChain)
{
    public static ParseContext ForFile(string fullPath, HoconParseOptions options) =>
        new(options, fullPath, Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory(), HoconPath.Root, [fullPath]);

    public static ParseContext ForString(HoconParseOptions options) =>
        new(options, null, options.BaseDirectory ?? Directory.GetCurrentDirectory(), HoconPath.Root, []);
}
