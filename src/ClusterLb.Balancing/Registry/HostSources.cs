namespace ClusterLb.Balancing.Registry;

/// <summary>The values of <see cref="HostSpec.Source"/>.</summary>
public static class HostSources
{
    /// <summary>Configured in HOCON or added through the admin API.</summary>
    public const string Static = "static";

    /// <summary>Found by <c>discovery.type = dns</c> (A/AAAA or SRV answers).</summary>
    public const string Dns = "dns";

    /// <summary>Found by <c>discovery.type = akka-cluster</c> (backend members of the cluster).</summary>
    public const string AkkaCluster = "akka-cluster";

    /// <summary>Found by <c>discovery.type = kubernetes</c> (the EndpointSlices of a Service).</summary>
    public const string Kubernetes = "kubernetes";
}
