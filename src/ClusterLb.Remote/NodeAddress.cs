using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote;

/// <summary>The address of an actor system on the network: <c>clb://system@host:port</c>.</summary>
public sealed record NodeAddress
{
    /// <summary>The scheme of every remote address.</summary>
    public const string Scheme = "clb";

    /// <summary>Creates an address; the host is compared case-insensitively.</summary>
    public NodeAddress(string system, string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(system);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
        System = system;
        Host = host.ToLowerInvariant();
        Port = port;
    }

    /// <summary>The actor system name.</summary>
    public string System { get; }

    /// <summary>The host name or IP literal, lower case.</summary>
    public string Host { get; }

    /// <summary>The TCP port.</summary>
    public int Port { get; }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Scheme}://{System}@{FormatHost(Host)}:{Port}");

    /// <summary>Parses <c>clb://system@host:port</c>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static NodeAddress Parse(string text)
    {
        if (TryParse(text, out var address, out var error))
        {
            return address;
        }

        throw new FormatException($"Invalid node address '{text}': {error}. Expected {Scheme}://<system>@<host>:<port>.");
    }

    /// <summary>Parses <c>clb://system@host:port</c>, optionally followed by an actor path.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out NodeAddress? address) => TryParse(text, out address, out _);

    private static bool TryParse(string? text, [NotNullWhen(true)] out NodeAddress? address, out string error)
    {
        address = null;
        const string prefix = Scheme + "://";
        if (string.IsNullOrEmpty(text) || !text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            error = $"it must start with '{prefix}'";
            return false;
        }

        var rest = text.AsSpan(prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            rest = rest[..slash];
        }

        var at = rest.IndexOf('@');
        if (at <= 0)
        {
            error = "the system name and '@' are missing";
            return false;
        }

        var system = rest[..at];
        var hostPort = rest[(at + 1)..];
        var colon = hostPort.LastIndexOf(':');
        if (colon <= 0)
        {
            error = "the ':port' is missing";
            return false;
        }

        var host = hostPort[..colon];
        if (host.Length > 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }

        if (!int.TryParse(hostPort[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            error = "the port is not a number between 0 and 65535";
            return false;
        }

        if (host.IsWhiteSpace() || system.IsWhiteSpace())
        {
            error = "the host or system name is empty";
            return false;
        }

        address = new NodeAddress(system.ToString(), host.ToString(), port);
        error = string.Empty;
        return true;
    }

    internal WireAddress ToWire() => new() { System = System, Host = Host, Port = Port };

    internal static NodeAddress? FromWire(WireAddress? wire)
    {
        if (wire is null || string.IsNullOrWhiteSpace(wire.System) || string.IsNullOrWhiteSpace(wire.Host) || wire.Port is < 0 or > 65535)
        {
            return null;
        }

        return new NodeAddress(wire.System, wire.Host, wire.Port);
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
