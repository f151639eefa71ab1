namespace ClusterLb.Balancing.Settings;

/// <summary>
/// The listener and limits of a TCP or UDP service (<c>protocol = tcp</c> or <c>udp</c>): the service owns its
/// port, and every connection (TCP) or client session (UDP) is balanced on its own.
/// </summary>
/// <param name="Bind">IP address to bind, such as <c>0.0.0.0</c>, <c>127.0.0.1</c> or <c>::</c>.</param>
/// <param name="Port">The port (0 lets the OS choose: tests).</param>
/// <param name="IdleTimeout">
/// A TCP connection with no bytes either way for this long is closed (nginx's proxy_timeout); a UDP session without
/// datagrams either way for this long ends (kube-proxy's UDP timeout).
/// </param>
/// <param name="ConnectTimeout">TCP: a connect to a host slower than this fails, and the next host is tried.</param>
/// <param name="ProxyProtocol">TCP: the PROXY protocol header sent to the host before the client's bytes.</param>
/// <param name="MaxConnections">TCP: open connections; UDP: sessions. Beyond it new ones are refused (0 = unbounded).</param>
/// <param name="MaxPacketsPerSecond">UDP: datagrams per second one client address may send; the excess is dropped (0 = unbounded).</param>
public sealed record StreamListenerSettings(
    string Bind,
    int Port,
    TimeSpan IdleTimeout,
    TimeSpan ConnectTimeout,
    ProxyProtocolVersion ProxyProtocol,
    int MaxConnections,
    int MaxPacketsPerSecond)
{
    /// <summary>A TCP connection's idle timeout by default (nginx's proxy_timeout).</summary>
    public static TimeSpan DefaultTcpIdleTimeout { get; } = TimeSpan.FromMinutes(10);

    /// <summary>A UDP session's idle timeout by default.</summary>
    public static TimeSpan DefaultUdpIdleTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Sessions of a UDP service by default (each holds a socket towards its host).</summary>
    public const int DefaultMaxUdpSessions = 10_000;

    /// <summary>The listen address as <c>bind:port</c> (IPv6 in brackets).</summary>
    public string Listen => Bind.Contains(':') ? $"[{Bind}]:{Port}" : $"{Bind}:{Port}";

    /// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> or <c>:port</c> (all addresses).</summary>
    /// <exception cref="FormatException">Not one of those forms, or a port outside 0 to 65535.</exception>
    public static (string Bind, int Port) ParseListen(string text)
    {
        var value = text.Trim();
        var colon = value.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(value.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"listen '{text}' must be \"address:port\", e.g. \"0.0.0.0:5432\", \"[::]:5432\" or \":5432\".");
        }
        var bind = value[..colon];
        if (bind.StartsWith('[') && bind.EndsWith(']'))
        {
            bind = bind[1..^1];
        }
        if (bind.Length == 0 || bind == "*")
        {
            bind = "0.0.0.0";
        }
        if (!System.Net.IPAddress.TryParse(bind, out _))
        {
            throw new FormatException($"listen '{text}': '{bind}' is not an IP address (use 0.0.0.0, 127.0.0.1 or ::).");
        }
        return (bind, port);
    }
}
