using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// The <c>hash</c> and <c>ip-hash</c> methods: consistent hashing on a Maglev table (<see cref="MaglevTable"/>),
/// the request's key hash (<see cref="PickContext.KeyHash"/>) modulo the table size naming the host. The table is
/// built once per candidate set and independently of the candidates' order, so every node with the same hosts
/// sends a key to the same host; adding or removing one of N hosts moves about 1/N of the keys; shares follow weights.
/// </summary>
/// <remarks>
/// <para>
/// A key's <em>probe sequence</em> is the slots s, s + t, s + 2t, ... (mod size), s its slot and t a stride from
/// a second mix of its hash. A retry takes the first host along it that the request has not tried, so retries of
/// one key also agree across nodes.
/// </para>
/// <para>
/// With a <paramref name="balanceFactor"/> c &gt; 0 (<c>hash-balance-factor</c>) this is consistent hashing with
/// bounded loads (Mirrokni, Thorup, Zadimoghaddam, 2018): a host may hold at most ceil(c × (in flight over the
/// candidates + 1) / N) requests including this one; a key whose host is full takes the next host along its probe
/// sequence that is under the bound. The in-flight counts are this node's, so under load the spill is per node.
/// </para>
/// <para>
/// A request without a key (<see cref="PickContext.HasKey"/> false: no such header, cookie, query parameter)
/// is balanced by smooth weighted round robin, like <c>round-robin</c>, rather than piling onto one host.
/// </para>
/// </remarks>
/// <param name="balanceFactor">The bound factor c; zero or less turns the bound off. Values in (0, 1) act as 1.</param>
public sealed class MaglevHashPolicy(double balanceFactor = 0) : IBalancingPolicy
{
    private readonly SmoothWeightedRoundRobinPolicy _withoutKey = new();
    private readonly double _balanceFactor = balanceFactor > 0 ? Math.Max(balanceFactor, 1) : 0;
    private readonly PerCandidateSet<MaglevTable> _tables = new(static c => new MaglevTable(c));

    /// <summary>The bound factor in use (0 when off).</summary>
    public double BalanceFactor => _balanceFactor;

    /// <inheritdoc />
    public UpstreamHost? Pick(ImmutableArray<UpstreamHost> candidates, in PickContext context)
    {
        var count = candidates.Length;
        if (count < 2)
        {
            return count == 0 ? null : candidates[0];
        }
        if (!context.HasKey)
        {
            return _withoutKey.Pick(candidates, context);
        }

        var table = TableFor(candidates);
        var hash = context.KeyHash;
        var slot = table.SlotOf(hash);
        var host = table[slot];
        if (_balanceFactor == 0)
        {
            return context.WasTried(host) ? Probe(table, hash, long.MaxValue, context) ?? host : host;
        }

        var bound = Bound(candidates);
        if (!context.WasTried(host) && host.Counters.InFlight < bound)
        {
            return host;
        }
        return Probe(table, hash, bound, context) ?? Probe(table, hash, long.MaxValue, context) ?? host;
    }

    /// <summary>The table for <paramref name="candidates"/> (built once per candidate set; exposed for tests).</summary>
    internal MaglevTable TableFor(ImmutableArray<UpstreamHost> candidates) => _tables.For(candidates);

    // ceil(c × (total in flight + 1) / N): the most requests, counting this one, a host may hold.
    private long Bound(ImmutableArray<UpstreamHost> candidates)
    {
        long total = 0;
        foreach (var candidate in candidates)
        {
            total += candidate.Counters.InFlight;
        }
        return (long)Math.Ceiling(_balanceFactor * (total + 1) / candidates.Length);
    }

    // The first host along the key's probe sequence that was not tried and holds fewer than bound requests.
    // The walk is capped (a low-weight host owns few slots, so finding the last untried one may take long);
    // past the cap the hosts are scanned in table order from a key-derived start, still identical on every node.
    private static UpstreamHost? Probe(MaglevTable table, ulong hash, long bound, in PickContext context)
    {
        var hosts = table.Hosts;
        var size = table.Size;
        var slot = table.SlotOf(hash);
        var stride = table.StrideOf(hash);
        var steps = Math.Min(size, (hosts.Length * 16) + 64);
        for (var step = 0; step < steps; step++)
        {
            var host = table[slot];
            if (host.Counters.InFlight < bound && !context.WasTried(host))
            {
                return host;
            }
            slot += stride;
            if (slot >= size)
            {
                slot -= size;
            }
        }

        var start = (int)(hash % (ulong)hosts.Length);
        for (var i = 0; i < hosts.Length; i++)
        {
            var host = hosts[(start + i) % hosts.Length];
            if (host.Counters.InFlight < bound && !context.WasTried(host))
            {
                return host;
            }
        }
        return null;
    }
}
