using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

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
/// picks see the result. With <see cref="LoadScope.Cluster"/> a host's load also counts the other nodes' requests
/// in flight (<see cref="HostCounters.RemoteInFlight"/>, one more volatile read per host), as of their last report.
/// </remarks>
/// <param name="scope">Whose requests in flight count.</param>
public sealed class LeastRequestPolicy(LoadScope scope = LoadScope.Node) : IBalancingPolicy
{
    private readonly PerCandidateSet<Scan> _scans = new(static c => new Scan(c));
    private readonly bool _cluster = scope == LoadScope.Cluster;
    private long _next = -1;

    /// <summary>Whose requests in flight count.</summary>
    public LoadScope Scope { get; } = scope;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }

        var scan = _scans.For(candidates);
        var counters = scan.Counters;
        var weights = scan.Weights;
        var maxWeight = scan.MaxWeight;
        var start = (int)((ulong)Interlocked.Increment(ref _next) % (ulong)count);
        var retry = context.Attempt > 0;
        if (scan.EqualWeights && !retry)
        {
            return candidates[FewestInFlight(counters, start, _cluster)];
        }
        var best = -1;
        long bestLoad = 0, bestWeight = 1;
        for (var step = 0; step < count; step++)
        {
            var index = start + step;
            if (index >= count)
            {
                index -= count;
            }
            if (retry && context.WasTried(candidates[index]))
            {
                continue;
            }
            long load = InFlight(counters[index], _cluster) + 1;
            long weight = weights[index];
            // load / weight < bestLoad / bestWeight, without dividing.
            if (best < 0 || load * bestWeight < bestLoad * weight)
            {
                if (load == 1 && weight == maxWeight)
                {
                    return candidates[index];
                }
                best = index;
                bestLoad = load;
                bestWeight = weight;
            }
        }
        return candidates[best < 0 ? start : best];
    }

    // Equal weights, first attempt: the plain minimum of in flight from the rotating start, stopping at an idle host.
    private static int FewestInFlight(HostCounters[] counters, int start, bool cluster)
    {
        var best = start;
        var bestInFlight = InFlight(counters[start], cluster);
        for (var index = start + 1; index < counters.Length && bestInFlight > 0; index++)
        {
            var inFlight = InFlight(counters[index], cluster);
            if (inFlight < bestInFlight)
            {
                best = index;
                bestInFlight = inFlight;
            }
        }
        for (var index = 0; index < start && bestInFlight > 0; index++)
        {
            var inFlight = InFlight(counters[index], cluster);
            if (inFlight < bestInFlight)
            {
                best = index;
                bestInFlight = inFlight;
            }
        }
        return best;
    }

    private static int InFlight(HostCounters counters, bool cluster) => cluster ? counters.ClusterInFlight : counters.InFlight;

    /// <summary>
    /// A candidate set laid out for the scan: counters and weights in flat arrays (one pointer less per host), and
    /// the highest weight, since an idle host of that weight has the lowest possible score.
    /// </summary>
    private sealed class Scan
    {
        public Scan(ImmutableArray<UpstreamHost> candidates)
        {
            Counters = new HostCounters[candidates.Length];
            Weights = new int[candidates.Length];
            for (var i = 0; i < candidates.Length; i++)
            {
                Counters[i] = candidates[i].Counters;
                Weights[i] = Math.Max(candidates[i].Weight, 1);
                MaxWeight = Math.Max(MaxWeight, Weights[i]);
            }
            EqualWeights = Weights.All(w => w == Weights[0]);
        }

        public HostCounters[] Counters { get; }

        public int[] Weights { get; }

        public long MaxWeight { get; }

        public bool EqualWeights { get; }
    }
}
