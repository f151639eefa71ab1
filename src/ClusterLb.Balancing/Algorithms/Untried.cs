using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>The retry rule every policy shares: skip the hosts a request already tried, allocation-free.</summary>
internal static class Untried
{
    /// <summary>
    /// <paramref name="candidates"/>[<paramref name="start"/>] when it was not tried, else the next untried one
    /// in order (wrapping); <paramref name="start"/>'s host again when every candidate was tried.
    /// </summary>
    public static UpstreamHost From(ImmutableArray<UpstreamHost> candidates, int start, in PickContext context)
    {
        var count = candidates.Length;
        for (var step = 0; step < count; step++)
        {
            var index = start + step;
            if (index >= count)
            {
                index -= count;
            }
            var host = candidates[index];
            if (!context.WasTried(host))
            {
                return host;
            }
        }
        return candidates[start];
    }
}
