namespace ClusterLb.Hocon;

/// <summary>
/// Loads ClusterLb's configuration in its fixed order: <c>hocon/reference.conf</c> next to the executable, then the
/// user's file, then <c>CONFIG_FORCE_</c> environment overrides; the result is resolved, with environment-variable
/// fallback for <c>${?VAR}</c> substitutions unless turned off.
/// </summary>
public static class ClusterLbConfigLoader
{
    /// <summary>Where the defaults are read from: <c>AppContext.BaseDirectory/hocon/reference.conf</c>.</summary>
    public static string ReferencePath => Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf");

    /// <summary>Loads and resolves the configuration.</summary>
    /// <param name="userFile">The user's HOCON file, or null for defaults only.</param>
    /// <param name="includeDefaults">Layer the file over reference.conf (absent reference.conf counts as empty).</param>
    /// <param name="useEnvironment">Apply CONFIG_FORCE_ overrides and let substitutions fall back to environment variables.</param>
    public static Config Load(string? userFile, bool includeDefaults = true, bool useEnvironment = true)
    {
        var config = userFile is null ? Config.Empty : ConfigFactory.ParseFile(userFile);
        if (includeDefaults && File.Exists(ReferencePath))
        {
            config = config.WithFallback(ConfigFactory.ParseFile(ReferencePath));
        }
        if (useEnvironment)
        {
            config = EnvironmentOverrides.Load().WithFallback(config);
        }
        return config.Resolve(new HoconResolveOptions { UseEnvironment = useEnvironment });
    }
}
