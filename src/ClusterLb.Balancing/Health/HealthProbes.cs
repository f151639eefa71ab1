using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Health;

/// <summary>Chooses a host's active check by its address: HTTP for http(s), a connect (and send/expect) for tcp, a datagram exchange for udp.</summary>
public static class HealthProbes
{
    /// <summary>
    /// The probe for <paramref name="address"/>; null when the host cannot be checked actively (a udp host without
    /// <see cref="HealthCheckSettings.Send"/>: a UDP service answers only what it understands). An HTTP probe speaks
    /// the pool's <paramref name="connection"/> (HTTP version, SNI) through <paramref name="httpClient"/>, which
    /// carries the pool's TLS.
    /// </summary>
    public static IHealthProbe? For(Uri address, HealthCheckSettings settings, HttpMessageInvoker httpClient, UpstreamConnectionSettings? connection = null) => address.Scheme switch
    {
        "tcp" => new TcpHealthProbe(address.IdnHost, address.Port, settings),
        "udp" => settings.Send.Length > 0 ? new UdpHealthProbe(address.IdnHost, address.Port, settings) : null,
        _ => new HttpHealthProbe(httpClient, address, settings, connection),
    };
}
