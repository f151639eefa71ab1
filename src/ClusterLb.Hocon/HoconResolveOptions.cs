namespace ClusterLb.Hocon;

/// <summary>Options for resolving substitutions.</summary>
public sealed record HoconResolveOptions
{
    /// <summary>Default options: environment fallback on.</summary>
    public static HoconResolveOptions Default { get; } = new();

    /// <summary>Look a substitution that the configuration does not define up as an environment variable.</summary>
    public bool UseEnvironment { get; init; } = true;

    /// <summary>Where environment variables come from; null means the process environment. Tests inject a dictionary.</summary>
    public Func<string, string?>? EnvironmentLookup { get; init; }
}
