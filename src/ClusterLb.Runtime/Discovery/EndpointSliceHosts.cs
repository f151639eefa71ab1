using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Discovery;
using k8s.Models;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// The hosts a Service's EndpointSlices stand for, all slices merged: each endpoint at its first address (the API says
/// an endpoint's addresses are fungible; kube-proxy uses the first) and the slice's chosen TCP port. Readiness as
/// kube-proxy reads it: a ready endpoint (a missing <c>ready</c> counts as ready) is up; one that is not ready but
/// terminating and still serving (a missing <c>serving</c> defers to <c>ready</c>) is draining; any other is left out.
/// An endpoint listed by two slices (they overlap while the controller moves it) counts once, up if either says so.
/// </summary>
public static class EndpointSliceHosts
{
    /// <summary>The hosts of <paramref name="slices"/> for <paramref name="settings"/>, and why any slice gave none.</summary>
    public static (ImmutableArray<DiscoveredHost> Hosts, string Note) From(IEnumerable<V1EndpointSlice> slices, KubernetesDiscoverySettings settings, string ns)
    {
        ArgumentNullException.ThrowIfNull(slices);
        ArgumentNullException.ThrowIfNull(settings);
        var found = new Dictionary<string, DiscoveredHost>(StringComparer.Ordinal);
        var all = slices.OrderBy(s => s.Metadata?.Name, StringComparer.Ordinal).ToList();
        var portless = new List<string>();
        foreach (var slice in all)
        {
            if (PortOf(slice, settings) is not { } port)
            {
                portless.Add(slice.Metadata?.Name ?? "?");
                continue;
            }
            foreach (var endpoint in slice.Endpoints ?? [])
            {
                if (HostOf(endpoint, slice.AddressType, port, settings) is { } host
                    && (!found.TryGetValue(host.Id, out var seen) || (seen.Draining && !host.Draining)))
                {
                    found[host.Id] = host;
                }
            }
        }
        var note = all.Count == 0
            ? $"no EndpointSlices labelled {settings.LabelSelector} in namespace {ns} (is the Service there, with a selector?)"
            : portless.Count > 0
                ? $"{portless.Count} of {all.Count} EndpointSlices have no TCP {PortText(settings)} and give no hosts: {string.Join(", ", portless)}"
                : "";
        return ([.. found.Values.OrderBy(h => h.Id, StringComparer.Ordinal)], note);
    }

    private static string PortText(KubernetesDiscoverySettings settings) =>
        settings.Port is null ? "port" : settings.PortNumber is null ? $"port named {settings.Port}" : $"port {settings.Port}";

    // The slice's TCP port the settings ask for: by name, by number, or the first one with a number.
    private static int? PortOf(V1EndpointSlice slice, KubernetesDiscoverySettings settings)
    {
        var tcp = (slice.Ports ?? []).Where(p => p.Port is > 0 and <= 65535 && (p.Protocol is null || p.Protocol == "TCP"));
        var chosen = settings.Port is null
            ? tcp.FirstOrDefault()
            : settings.PortNumber is { } number
                ? tcp.FirstOrDefault(p => p.Port == number)
                : tcp.FirstOrDefault(p => p.Name == settings.Port);
        return chosen?.Port;
    }

    private static DiscoveredHost? HostOf(V1Endpoint endpoint, string? addressType, int port, KubernetesDiscoverySettings settings)
    {
        var ready = endpoint.Conditions?.Ready ?? true;
        var serving = endpoint.Conditions?.Serving ?? ready;
        var terminating = endpoint.Conditions?.Terminating ?? false;
        var draining = !ready && terminating && serving;
        if ((!ready && !draining) || endpoint.Addresses is not [var address, ..] || !IsAddress(address, addressType))
        {
            return null;
        }
        return new DiscoveredHost(new UriBuilder(settings.Scheme, address, port).Uri, settings.Weight) { Draining = draining };
    }

    private static bool IsAddress(string address, string? addressType) => addressType switch
    {
        "IPv4" => IPAddress.TryParse(address, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork,
        "IPv6" => IPAddress.TryParse(address, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6,
        "FQDN" => Uri.CheckHostName(address) == UriHostNameType.Dns,
        _ => false,
    };
}
