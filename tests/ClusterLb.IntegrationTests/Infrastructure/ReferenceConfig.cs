using ClusterLb.Hocon;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>The shipped reference.conf, alone or under a test's HOCON text, resolved.</summary>
internal static class ReferenceConfig
{
    private static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf");

    /// <summary>reference.conf alone.</summary>
    public static Config Defaults() => ConfigFactory.ParseFile(Path).Resolve();

    /// <summary><paramref name="hocon"/> (named <paramref name="origin"/> in errors) over reference.conf.</summary>
    public static Config With(string hocon, string origin) =>
        ConfigFactory.ParseString(hocon, origin).WithFallback(ConfigFactory.ParseFile(Path)).Resolve();
}
