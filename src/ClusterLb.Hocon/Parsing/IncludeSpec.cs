namespace ClusterLb.Hocon.Parsing;

/// <summary>How an include names its target.</summary>
internal enum IncludeKind
{
    /// <summary><c>include "x"</c>: a URL if it is one, else relative to the including file.</summary>
    Heuristic,
    /// <summary><c>include file("x")</c>: relative to the working directory, as in Lightbend.</summary>
    File,
    /// <summary><c>include url("x")</c>.</summary>
    Url,
    /// <summary><c>include classpath("x")</c>: there is no classpath here, so it is never found.</summary>
    Classpath,
}

/// <summary>One parsed <c>include</c> statement.</summary>
internal sealed record IncludeSpec(IncludeKind Kind, string Name, bool Required, HoconOrigin Origin);
