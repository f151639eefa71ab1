using ClusterLb.Hocon;

namespace ClusterLb.Node.Hosting;

/// <summary>Whether a node joins a cluster: <c>clusterlb.cluster.enabled</c> (on, off, or auto = when seed-nodes are set).</summary>
public static class ClusterMode
{
    /// <summary>True when <paramref name="config"/> asks for a clustered node.</summary>
    /// <exception cref="NodeStartException">The key holds something other than on, off or auto.</exception>
    public static bool IsEnabled(Config? config)
    {
        if (config is null)
        {
            return false;
        }
        var value = config.GetString("clusterlb.cluster.enabled", "auto").Trim().ToLowerInvariant();
        return value switch
        {
            "auto" or "" => HasSeeds(config),
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw new NodeStartException(Invalid(value), new FormatException(Invalid(value))),
        };
    }

    private static string Invalid(string value) => $"clusterlb.cluster.enabled: '{value}' is not on, off or auto";

    private static bool HasSeeds(Config config)
    {
        const string path = "clusterlb.cluster.seed-nodes";
        if (!config.HasPath(path))
        {
            return false;
        }
        return config.GetValue(path)!.Kind == HoconValueKind.String
            ? config.GetString(path).Split(',').Any(s => !string.IsNullOrWhiteSpace(s))
            : config.GetStringList(path).Any(s => !string.IsNullOrWhiteSpace(s));
    }
}
