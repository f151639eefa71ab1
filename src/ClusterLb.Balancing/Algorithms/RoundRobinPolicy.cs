using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// Each candidate in turn, ignoring weights. One instance per pool, so the rotation survives health changes.
/// A retry takes the next candidate after the turn that the request has not tried.
/// </summary>
public sealed class RoundRobinPolicy : IBalancingPolicy
{
    private long _next = -1;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }

        var turn = (ulong)Interlocked.Increment(ref _next);
        return Untried.From(candidates, (int)(turn % (ulong)count), context);
    }
}
