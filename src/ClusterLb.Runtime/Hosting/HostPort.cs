using System.Globalization;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// The <c>host:port</c> form of seed nodes and contact points. IPv6 literals are written in brackets
/// (<c>[::1]:4053</c>), so the port is after the last colon either way.
/// </summary>
internal static class HostPort
{
    /// <summary>Splits <paramref name="text"/>; false unless it has a host and a port 1-65535.</summary>
    public static bool TryParse(string text, out string host, out int port)
    {
        var colon = text.LastIndexOf(':');
        host = colon > 0 ? text[..colon] : "";
        var portText = colon > 0 ? text[(colon + 1)..] : "";
        if (host.Length == 0 || host.Contains('@') || host.Contains('/') ||
            !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            host = "";
            port = 0;
            return false;
        }
        return true;
    }
}
