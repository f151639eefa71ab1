using System.Collections.Immutable;

namespace ClusterLb.Cluster;

/// <summary>How two vector clocks relate.</summary>
public enum VectorClockOrdering
{
    /// <summary>Identical histories.</summary>
    Same,
    /// <summary>This clock happened before the other.</summary>
    Before,
    /// <summary>This clock happened after the other.</summary>
    After,
    /// <summary>Neither contains the other: the gossips must be merged.</summary>
    Concurrent,
}

/// <summary>Immutable vector clock keyed by node name (<see cref="UniqueAddress"/> text).</summary>
public sealed class VectorClock
{
    /// <summary>The clock with no history.</summary>
    public static readonly VectorClock Empty = new(ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal));

    private VectorClock(ImmutableSortedDictionary<string, long> versions) => Versions = versions;

    /// <summary>Counter per node.</summary>
    public ImmutableSortedDictionary<string, long> Versions { get; }

    /// <summary>The clock key of a node.</summary>
    public static string NodeName(UniqueAddress node) => node.ToString();

    /// <summary>Restores a clock, e.g. from the wire.</summary>
    public static VectorClock Create(IEnumerable<KeyValuePair<string, long>> versions) =>
        new(versions.ToImmutableSortedDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

    /// <summary>One more event at <paramref name="node"/>.</summary>
    public VectorClock Increment(string node) =>
        new(Versions.SetItem(node, Versions.GetValueOrDefault(node) + 1));

    /// <summary>The pointwise maximum of both clocks.</summary>
    public VectorClock Merge(VectorClock that)
    {
        var merged = Versions.ToBuilder();
        foreach (var (node, v) in that.Versions)
            if (!merged.TryGetValue(node, out var mine) || v > mine)
                merged[node] = v;
        return new VectorClock(merged.ToImmutable());
    }

    /// <summary>Forgets a node entirely (it was removed from the cluster).</summary>
    public VectorClock Prune(string node) => Versions.ContainsKey(node) ? new VectorClock(Versions.Remove(node)) : this;

    /// <summary>Compares the histories of this and <paramref name="that"/>.</summary>
    public VectorClockOrdering CompareTo(VectorClock that)
    {
        if (ReferenceEquals(this, that)) return VectorClockOrdering.Same;
        bool thisAhead = false, thatAhead = false;
        foreach (var (node, v) in Versions)
        {
            var other = that.Versions.GetValueOrDefault(node);
            if (v > other) thisAhead = true;
            else if (v < other) thatAhead = true;
        }
        foreach (var (node, v) in that.Versions)
            if (!Versions.ContainsKey(node) && v > 0) thatAhead = true;
        return (thisAhead, thatAhead) switch
        {
            (false, false) => VectorClockOrdering.Same,
            (true, false) => VectorClockOrdering.After,
            (false, true) => VectorClockOrdering.Before,
            _ => VectorClockOrdering.Concurrent,
        };
    }

    /// <inheritdoc />
    public override string ToString() => "VectorClock(" + string.Join(", ", Versions.Select(kv => $"{kv.Key}->{kv.Value}")) + ")";
}
