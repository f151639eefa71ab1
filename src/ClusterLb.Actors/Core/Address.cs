namespace ClusterLb.Actors;

/// <summary>
/// Where an actor system lives. A local-only system has no host or port: <c>clb://system</c>;
/// a remotely reachable one has both: <c>clb://system@host:port</c>.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    /// <summary>True when the address carries no host, i.e. only the local system can resolve it.</summary>
    public bool IsLocal => Host is null;

    /// <inheritdoc />
    public override string ToString()
        => Host is null ? $"{Protocol}://{System}" : Port is null ? $"{Protocol}://{System}@{Host}" : $"{Protocol}://{System}@{Host}:{Port}";

    /// <summary>Parses <c>protocol://system[@host[:port]]</c>.</summary>
    /// <exception cref="FormatException">The text is not an address; the message says why.</exception>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new FormatException($"'{text}' is not an actor address: expected 'protocol://system[@host:port]'.");
        }

        var protocol = text[..schemeEnd];
        var rest = text[(schemeEnd + 3)..];
        var at = rest.IndexOf('@');
        if (at < 0)
        {
            RequireName(rest, text);
            return new Address(protocol, rest);
        }

        var system = rest[..at];
        RequireName(system, text);
        var hostPort = rest[(at + 1)..];
        if (hostPort.Length == 0)
        {
            throw new FormatException($"'{text}' has an empty host after '@'.");
        }

        // IPv6 hosts are bracketed ([::1]:2552), so the port separator is the last ':' after any ']'.
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || colon < hostPort.LastIndexOf(']'))
        {
            return new Address(protocol, system, hostPort);
        }

        var portText = hostPort[(colon + 1)..];
        if (!int.TryParse(portText, global::System.Globalization.NumberStyles.None, global::System.Globalization.CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"'{text}' has an invalid port '{portText}'.");
        }

        return new Address(protocol, system, hostPort[..colon], port);
    }

    private static void RequireName(string system, string text)
    {
        if (system.Length == 0)
        {
            throw new FormatException($"'{text}' has an empty actor system name.");
        }
    }
}
