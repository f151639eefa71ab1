namespace ClusterLb.Hocon;

/// <summary>Options for parsing a document.</summary>
public sealed record HoconParseOptions
{
    /// <summary>Default options.</summary>
    public static HoconParseOptions Default { get; } = new();

    /// <summary>Whether <c>include</c> statements are followed. When false they are an error.</summary>
    public bool AllowIncludes { get; init; } = true;

    /// <summary>Directory that plain <c>include "x"</c> is relative to when the text has no file (ParseString). Defaults to the working directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Deepest nesting of objects and arrays accepted (protects the stack). Deeper input is an error.</summary>
    public int MaxDepth { get; init; } = 4096;

    /// <summary>Largest document accepted, in characters.</summary>
    public int MaxLength { get; init; } = 64 * 1024 * 1024;

    /// <summary>How many includes may be nested inside each other (Lightbend uses 50).</summary>
    public int MaxIncludeDepth { get; init; } = 50;
}
