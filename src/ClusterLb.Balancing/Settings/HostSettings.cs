namespace ClusterLb.Balancing.Settings;

/// <summary>One backend host of a pool.</summary>
/// <param name="Id">Unique within its pool; appears in status output, logs and metrics.</param>
/// <param name="Address">Absolute http(s) URI the proxy forwards to, such as <c>http://10.0.0.5:8080</c>.</param>
/// <param name="Weight">Relative share of requests (1 to <see cref="MaxWeight"/>).</param>
public sealed record HostSettings(string Id, Uri Address, int Weight = 1)
{
    /// <summary>Largest accepted weight; bounds the length of the weighted round-robin cycle.</summary>
    public const int MaxWeight = 1000;
}
