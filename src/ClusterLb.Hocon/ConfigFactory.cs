using ClusterLb.Hocon.Parsing;

namespace ClusterLb.Hocon;

/// <summary>Entry points for parsing HOCON text and files into an unresolved <see cref="Config"/>.</summary>
public static class ConfigFactory
{
    /// <summary>Parses text. Plain includes are relative to <see cref="HoconParseOptions.BaseDirectory"/> (default: the working directory).</summary>
    /// <param name="text">The document.</param>
    /// <param name="originName">Name used in error messages instead of a file name.</param>
    /// <param name="options">Parse options.</param>
    public static Config ParseString(string text, string? originName = null, HoconParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var context = ParseContext.ForString(options ?? HoconParseOptions.Default) with { FilePath = originName };
        return new Config(HoconParser.ParseDocument(text, context));
    }

    /// <summary>Parses a file; a .properties file is read as Java properties, anything else as HOCON (JSON included).</summary>
    public static Config ParseFile(string path, HoconParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var full = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconException(new HoconOrigin(path, 0, 0), $"cannot read configuration file: {e.Message}", e);
        }
        if (full.EndsWith(".properties", StringComparison.OrdinalIgnoreCase))
        {
            return new Config(PropertiesParser.Parse(text, path));
        }
        var context = ParseContext.ForFile(full, options ?? HoconParseOptions.Default) with { FilePath = path };
        return new Config(HoconParser.ParseDocument(text, context));
    }

    /// <summary>Parses a document whose root may be an array, returning the unresolved value. For tooling and tests.</summary>
    internal static HoconValue ParseValue(string text, string? originName = null, string? filePath = null, HoconParseOptions? options = null)
    {
        var opts = options ?? HoconParseOptions.Default;
        var context = filePath is null
            ? ParseContext.ForString(opts) with { FilePath = originName }
            : ParseContext.ForFile(Path.GetFullPath(filePath), opts) with { FilePath = originName ?? filePath };
        return HoconParser.ParseRoot(text, context);
    }
}
