namespace ClusterLb.Balancing.Settings;

/// <summary>What a service's clients speak to the proxy, and so what its hosts' addresses look like.</summary>
public enum ServiceProtocol
{
    /// <summary>HTTP through the proxy's HTTP listeners, matched by host and path; hosts are <c>http://</c> or <c>https://</c>.</summary>
    Http,

    /// <summary>Raw TCP on the service's own listener, balanced per connection; hosts are <c>tcp://host:port</c>.</summary>
    Tcp,

    /// <summary>UDP datagrams on the service's own listener, balanced per client session; hosts are <c>udp://host:port</c>.</summary>
    Udp,
}

/// <summary>The configuration names of <see cref="ServiceProtocol"/> and the host addresses each accepts.</summary>
public static class ServiceProtocols
{
    /// <summary>The accepted names, for error messages.</summary>
    public const string Expected = "http, tcp or udp";

    /// <summary>Parses <c>http</c>, <c>tcp</c> or <c>udp</c>.</summary>
    /// <exception cref="FormatException">Any other word.</exception>
    public static ServiceProtocol Parse(string text) => text.Trim().ToLowerInvariant() switch
    {
        "http" => ServiceProtocol.Http,
        "tcp" => ServiceProtocol.Tcp,
        "udp" => ServiceProtocol.Udp,
        _ => throw new FormatException($"protocol '{text}' must be {Expected}."),
    };

    /// <summary>The configuration name.</summary>
    public static string Name(this ServiceProtocol protocol) => protocol switch
    {
        ServiceProtocol.Tcp => "tcp",
        ServiceProtocol.Udp => "udp",
        _ => "http",
    };

    /// <summary>
    /// True when <paramref name="address"/> is a host address for <paramref name="protocol"/>: http(s) for HTTP,
    /// <c>tcp://</c> or <c>udp://</c> with a host and an explicit port for the stream protocols.
    /// </summary>
    public static bool Accepts(this ServiceProtocol protocol, Uri? address)
    {
        if (address is not { IsAbsoluteUri: true } || string.IsNullOrEmpty(address.Host))
        {
            return false;
        }
        return protocol switch
        {
            ServiceProtocol.Http => address.Scheme == Uri.UriSchemeHttp || address.Scheme == Uri.UriSchemeHttps,
            _ => address.Scheme == protocol.Name() && address.Port is > 0 and <= 65535 && address.AbsolutePath == "/" && address.Query.Length == 0,
        };
    }

    /// <summary>The form of a host address for <paramref name="protocol"/>, for error messages.</summary>
    public static string AddressForm(this ServiceProtocol protocol) => protocol switch
    {
        ServiceProtocol.Http => "an absolute http:// or https:// URI",
        _ => $"{protocol.Name()}://host:port (a host and a port, no path)",
    };

    /// <summary>The protocol whose hosts have <paramref name="address"/>'s scheme, or null for an unknown scheme.</summary>
    public static ServiceProtocol? OfAddress(Uri address) => address.Scheme switch
    {
        "http" or "https" => ServiceProtocol.Http,
        "tcp" => ServiceProtocol.Tcp,
        "udp" => ServiceProtocol.Udp,
        _ => null,
    };
}
