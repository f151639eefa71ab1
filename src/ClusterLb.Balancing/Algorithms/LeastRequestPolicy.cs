using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// The <c>least-request</c> method: the candidate with the lowest (in flight + 1) / weight, scanning every
/// candidate as nginx's <c>least_conn</c> does. The score is Envoy's weighted least-request score with
/// <c>active_request_bias</c> = 1 (weight / (active + 1), inverted), compared by cross-multiplication. Ties
/// go to the first tied host from a start that rotates with every pick, so hosts with equal scores share the
/// load (nginx breaks ties by weighted round robin, Envoy by its scheduler). A retry skips tried hosts.
/// </summary>
/// <remarks>
/// The +1 counts the request being placed: among idle hosts the heavier one wins, and a weight-2 host takes its
/// second request when a weight-1 host takes its first. The scan stops at the first idle host of the pool's
/// highest weight, since nothing can score lower, so a lightly loaded pool costs a few reads per pick. Counters
/// are read without a lock, so two concurrent picks may see the same counts and choose the same host; the next
/// picks see the result.
/// </remarks>
public sealed class LeastRequestPolicy : IBalancingPolicy
{
    private long _next = -1;
    private MaxWeight? _maxWeight;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count == 0)
        {
            return null;
        }
        if (count == 1)
        {
            return candidates[0];
        }

        var maxWeight = Volatile.Read(ref _maxWeight);
        if (maxWeight is null || maxWeight.Candidates != candidates)
        {
            maxWeight = new MaxWeight(candidates);
            Volatile.Write(ref _maxWeight, maxWeight);
        }

        var start = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)count);
        var retry = context.Attempt > 0;
        UpstreamHost? best = null;
        long bestLoad = 0, bestWeight = 1;
        for (var step = 0; step < count; step++)
        {
            var index = start + step;
            if (index >= count)
            {
                index -= count;
            }
            var host = candidates[index];
            if (retry && context.WasTried(host))
            {
                continue;
            }
            long load = host.Counters.InFlight + 1;
            long weight = Math.Max(host.Weight, 1);
            // load / weight < bestLoad / bestWeight, without dividing.
            if (best is null || load * bestWeight < bestLoad * weight)
            {
                if (load == 1 && weight == maxWeight.Value)
                {
                    return host;
                }
                best = host;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return best ?? candidates[start];
    }

    /// <summary>The highest weight of a candidate set: an idle host of that weight has the lowest possible score.</summary>
    private sealed class MaxWeight(ImmutableArray<UpstreamHost> candidates)
    {
        public ImmutableArray<UpstreamHost> Candidates { get; } = candidates;

        public long Value { get; } = candidates.Max(h => Math.Max(h.Weight, 1));
    }
}
