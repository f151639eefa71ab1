using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>
/// Finds the service for a request by Host and path. Specific host names beat wildcards, wildcards beat
/// "any host", and within those the longest path prefix wins (nginx's longest-prefix location rule).
/// </summary>
public sealed class ServiceMatcher
{
    private readonly Entry[] _entries;

    /// <summary>Builds the matcher; each service's handle is looked up by service name.</summary>
    public ServiceMatcher(IEnumerable<ServiceSettings> services, IReadOnlyDictionary<string, RouteHandle> handles)
    {
        _entries = services
            .SelectMany(s => Expand(s, handles[s.Name]))
            .OrderByDescending(e => e.HostRank)
            .ThenByDescending(e => e.PathPrefix.Length)
            .ToArray();
    }

    /// <summary>The handle of the matching service, or null.</summary>
    public RouteHandle? Match(HttpRequest request) => Match(request.Host.Value, request.Path.Value);

    /// <summary>The handle for a raw Host header value (port allowed) and path, or null.</summary>
    public RouteHandle? Match(string? hostHeader, string? path)
    {
        var host = HostWithoutPort(hostHeader);
        var requestPath = string.IsNullOrEmpty(path) ? "/".AsSpan() : path.AsSpan();
        foreach (var entry in _entries)
        {
            if (entry.MatchesHost(host) && entry.MatchesPath(requestPath))
            {
                return entry.Handle;
            }
        }
        return null;
    }

    private static IEnumerable<Entry> Expand(ServiceSettings service, RouteHandle handle)
    {
        var prefix = service.Match.PathPrefix;
        if (service.Match.Hosts.IsDefaultOrEmpty)
        {
            return [new Entry(null, prefix, handle)];
        }
        return service.Match.Hosts.Select(h => new Entry(h, prefix, handle));
    }

    /// <summary>The host part of a Host header value (IPv6 literals keep their brackets).</summary>
    public static ReadOnlySpan<char> HostWithoutPort(string? hostHeader)
    {
        if (string.IsNullOrEmpty(hostHeader))
        {
            return ReadOnlySpan<char>.Empty;
        }
        var span = hostHeader.AsSpan();
        if (span[0] == '[')
        {
            var close = span.IndexOf(']');
            return close < 0 ? span : span[..(close + 1)];
        }
        var colon = span.LastIndexOf(':');
        return colon < 0 ? span : span[..colon];
    }

    private sealed class Entry(string? host, string pathPrefix, RouteHandle handle)
    {
        private readonly bool _wildcard = host is not null && host.StartsWith("*.", StringComparison.Ordinal);

        public RouteHandle Handle { get; } = handle;

        public string PathPrefix { get; } = pathPrefix;

        public int HostRank => host is null ? 0 : _wildcard ? 1 : 2;

        public bool MatchesHost(ReadOnlySpan<char> requestHost)
        {
            if (host is null)
            {
                return true;
            }
            if (_wildcard)
            {
                var suffix = host.AsSpan(1);
                return requestHost.Length > suffix.Length && requestHost.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
            }
            return requestHost.Equals(host, StringComparison.OrdinalIgnoreCase);
        }

        public bool MatchesPath(ReadOnlySpan<char> path)
        {
            if (!path.StartsWith(PathPrefix, StringComparison.Ordinal))
            {
                return false;
            }
            // "/api" takes "/api" and "/api/x" but not "/apix".
            return path.Length == PathPrefix.Length || PathPrefix[^1] == '/' || path[PathPrefix.Length] == '/';
        }
    }
}
