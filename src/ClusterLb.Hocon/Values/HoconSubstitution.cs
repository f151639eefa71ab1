namespace ClusterLb.Hocon;

/// <summary>An unresolved <c>${path}</c> or <c>${?path}</c>.</summary>
internal sealed class HoconSubstitution : HoconValue
{
    public HoconSubstitution(HoconPath path, bool optional, HoconOrigin origin, HoconPath? includePrefix = null) : base(origin)
    {
        Path = path;
        Optional = optional;
        IncludePrefix = includePrefix;
    }

    /// <summary>The path as written.</summary>
    public HoconPath Path { get; }

    public bool Optional { get; }

    /// <summary>Where the file holding this substitution was included; the prefixed path is tried before the plain one.</summary>
    public HoconPath? IncludePrefix { get; }

    public override HoconValueKind Kind => HoconValueKind.Unresolved;

    public HoconSubstitution WithIncludePrefix(HoconPath prefix) =>
        new(Path, Optional, Origin, IncludePrefix is null ? prefix : prefix.Append(IncludePrefix));

    public override string ToString() => Optional ? $"${{?{Path}}}" : $"${{{Path}}}";
}
