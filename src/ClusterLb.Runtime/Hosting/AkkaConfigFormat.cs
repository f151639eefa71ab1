namespace ClusterLb.Runtime.Hosting;

/// <summary>How <see cref="AkkaNodeConfig.Render"/> prints the Akka configuration.</summary>
public enum AkkaConfigFormat
{
    /// <summary>HOCON, with a comment header (what an Akka.NET user pastes into an <c>akka { }</c> file).</summary>
    Hocon,

    /// <summary>JSON (also valid HOCON; what scripts read).</summary>
    Json,
}
