using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// A structure a policy derives from its candidates (a cycle, prefix sums, a hash table), built on the first pick
/// that sees a candidate array and kept until another array arrives. The router publishes a new array whenever
/// the healthy set or a weight changes, so the array's identity is the cache key; a pick on a warm cache is one
/// volatile read and one reference comparison.
/// </summary>
/// <param name="build">Builds the structure; must be a pure function of the candidates (concurrent first picks may each build one).</param>
internal sealed class PerCandidateSet<T>(Func<ImmutableArray<UpstreamHost>, T> build)
{
    private Entry? _entry;

    /// <summary>The structure for <paramref name="candidates"/>.</summary>
    public T For(ImmutableArray<UpstreamHost> candidates)
    {
        var entry = Volatile.Read(ref _entry);
        if (entry is null || entry.Candidates != candidates)
        {
            entry = new Entry(candidates, build(candidates));
            Volatile.Write(ref _entry, entry);
        }
        return entry.Value;
    }

    private sealed record Entry(ImmutableArray<UpstreamHost> Candidates, T Value);
}
