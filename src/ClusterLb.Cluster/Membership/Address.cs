namespace ClusterLb.Cluster;

/// <summary>
/// A node's address, <c>clb://system@host:port</c>. Stand-in with exactly the shape of
/// <c>ClusterLb.Actors.Address</c> from docs/design/actor-api.md, so that wiring replaces this file with a using.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    /// <summary>The protocol every ClusterLb node speaks.</summary>
    public const string DefaultProtocol = "clb";

    /// <inheritdoc />
    public override string ToString() =>
        Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{Host}:{Port}";

    /// <summary>Parses <c>clb://system@host:port</c>; throws <see cref="FormatException"/> naming the bad part.</summary>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        var sep = s.IndexOf("://", StringComparison.Ordinal);
        if (sep <= 0)
            throw new FormatException($"Address '{text}' has no protocol; expected clb://system@host:port.");
        var protocol = s[..sep];
        var rest = s[(sep + 3)..];
        var at = rest.IndexOf('@');
        if (at <= 0)
            throw new FormatException($"Address '{text}' has no system name; expected clb://system@host:port.");
        var system = rest[..at];
        var hostPort = rest[(at + 1)..].TrimEnd('/');
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || colon == hostPort.Length - 1)
            throw new FormatException($"Address '{text}' has no host:port; expected clb://system@host:port.");
        var host = hostPort[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
            host = host[1..^1];
        if (!int.TryParse(hostPort[(colon + 1)..], global::System.Globalization.NumberStyles.None,
                global::System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 0 or > 65535)
            throw new FormatException($"Address '{text}' has an invalid port '{hostPort[(colon + 1)..]}'.");
        return new Address(protocol, system, host, port);
    }
}

/// <summary>Akka's address order: host (ordinal), then port. Protocol and system break remaining ties.</summary>
public sealed class AddressOrdering : IComparer<Address>
{
    /// <summary>The single instance.</summary>
    public static readonly AddressOrdering Instance = new();

    /// <inheritdoc />
    public int Compare(Address? x, Address? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var c = string.CompareOrdinal(x.Host, y.Host);
        if (c != 0) return c;
        c = (x.Port ?? 0).CompareTo(y.Port ?? 0);
        if (c != 0) return c;
        c = string.CompareOrdinal(x.System, y.System);
        return c != 0 ? c : string.CompareOrdinal(x.Protocol, y.Protocol);
    }
}
