using ClusterLb.Hocon.Configuration;

// Extension methods live in the builder's namespace so they show up where the builder is used.
namespace Microsoft.Extensions.Configuration;

/// <summary>Adds HOCON to a Microsoft.Extensions.Configuration builder.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>Adds a loaded configuration (resolved first if it is not yet).</summary>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, ClusterLb.Hocon.Config config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        return builder.Add(new HoconConfigurationSource { Config = config });
    }

    /// <summary>Adds a HOCON file, parsed and resolved when the configuration is built.</summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(path);
        return builder.Add(new HoconConfigurationSource { FilePath = path, Optional = optional });
    }
}
