namespace ClusterLb.Hocon.Parsing;

/// <summary>
/// Finds and parses the target of an include. Plain includes are relative to the including file; file() is
/// relative to the working directory (as in Lightbend); a name without an extension loads .properties, .json
/// and .conf, merged in that order. Missing targets are empty unless required.
/// </summary>
internal static class HoconIncluder
{
    private static readonly string[] Extensions = [".properties", ".json", ".conf"];

    /// <summary>Loads the include; null when the target does not exist and is not required.</summary>
    public static HoconObject? Load(IncludeSpec spec, ParseContext context, HoconPath includePoint)
    {
        if (!context.Options.AllowIncludes)
        {
            throw new HoconException(spec.Origin, "include is disabled for this document");
        }
        var candidates = Candidates(spec, context);
        HoconObject? merged = null;
        foreach (var file in candidates)
        {
            if (!File.Exists(file))
            {
                continue;
            }
            var parsed = ParseIncluded(file, spec, context, includePoint);
            merged = merged is null ? parsed : HoconMerger.MergeObjects(parsed, merged, inPlace: true);
        }
        if (merged is null && spec.Required)
        {
            throw new HoconException(spec.Origin,
                $"required include \"{spec.Name}\" was not found (looked for {string.Join(", ", candidates)})");
        }
        return merged;
    }

    private static List<string> Candidates(IncludeSpec spec, ParseContext context)
    {
        string baseName;
        switch (spec.Kind)
        {
            case IncludeKind.Classpath:
                // There is no classpath outside the JVM: a classpath include is never found.
                return [];
            case IncludeKind.Url:
                baseName = FromUrl(spec);
                break;
            case IncludeKind.File:
                baseName = Path.GetFullPath(spec.Name);
                break;
            default:
                baseName = LooksLikeUrl(spec.Name)
                    ? FromUrl(spec)
                    : Path.GetFullPath(Path.Combine(context.BaseDirectory, spec.Name));
                break;
        }
        var ext = Path.GetExtension(baseName);
        if (ext is ".conf" or ".json" or ".properties")
        {
            return [baseName];
        }
        return Extensions.Select(e => baseName + e).ToList();
    }

    private static bool LooksLikeUrl(string name) =>
        Uri.TryCreate(name, UriKind.Absolute, out var uri) && uri.Scheme.Length > 1 && !Path.IsPathRooted(name);

    private static string FromUrl(IncludeSpec spec)
    {
        if (Uri.TryCreate(spec.Name, UriKind.Absolute, out var uri) && uri.IsFile)
        {
            return uri.LocalPath;
        }
        throw new HoconException(spec.Origin,
            $"include of \"{spec.Name}\": only file: URLs can be included; ClusterLb does not fetch configuration over the network");
    }

    private static HoconObject ParseIncluded(string file, IncludeSpec spec, ParseContext context, HoconPath includePoint)
    {
        var full = Path.GetFullPath(file);
        if (context.IncludeChain.Contains(full, StringComparer.Ordinal))
        {
            throw new HoconException(spec.Origin,
                $"include cycle: {string.Join(" -> ", context.IncludeChain.Append(full))}");
        }
        if (context.IncludeChain.Count > context.Options.MaxIncludeDepth)
        {
            throw new HoconException(spec.Origin, $"includes nest more than {context.Options.MaxIncludeDepth} levels deep");
        }
        string text;
        try
        {
            text = File.ReadAllText(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HoconException(spec.Origin, $"cannot read included file {full}: {e.Message}", e);
        }
        var child = new ParseContext(context.Options, full, Path.GetDirectoryName(full) ?? context.BaseDirectory,
            includePoint, [.. context.IncludeChain, full]);
        if (full.EndsWith(".properties", StringComparison.OrdinalIgnoreCase))
        {
            return PropertiesParser.Parse(text, full);
        }
        var root = HoconParser.ParseRoot(text, child);
        if (root is not HoconObject obj)
        {
            throw new HoconException(root.Origin, "an included file must have an object at its root, not an array");
        }
        return obj;
    }
}
