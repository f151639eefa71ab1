using System.Runtime.CompilerServices;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>The hosts one request has tried, kept inline (no allocation) for the retry loop.</summary>
[InlineArray(RetrySettings.MaxAttempts + 1)]
internal struct TriedHosts
{
    private UpstreamHost? _first;
}
