using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A grow-only set: elements are added and never removed; merge is union. Its delta is the set of elements added
/// since the last reset.
/// </summary>
/// <typeparam name="T">Element type: string, <c>ByteString</c>, long, or replicated data.</typeparam>
public sealed class GSet<T> : IDeltaReplicatedData<GSet<T>, GSet<T>>, IReplicatedDelta, IEquatable<GSet<T>>
    where T : notnull
{
    /// <summary>The empty set.</summary>
    public static readonly GSet<T> Empty = new(ImmutableHashSet<T>.Empty, null);

    private GSet(ImmutableHashSet<T> elements, GSet<T>? delta)
    {
        Elements = elements;
        Delta = delta;
    }

    /// <summary>The elements.</summary>
    public ImmutableHashSet<T> Elements { get; }

    /// <summary>Number of elements.</summary>
    public int Count => Elements.Count;

    /// <inheritdoc />
    public GSet<T>? Delta { get; }

    /// <inheritdoc />
    IDeltaReplicatedData IReplicatedDelta.Zero => Empty;

    /// <summary>Builds a set from elements (deserialization, tests).</summary>
    public static GSet<T> Create(IEnumerable<T> elements) => new(ImmutableHashSet.CreateRange(elements), null);

    /// <summary>True when <paramref name="element"/> was added.</summary>
    public bool Contains(T element) => Elements.Contains(element);

    /// <summary>This set with <paramref name="element"/> added.</summary>
    public GSet<T> Add(T element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (Elements.Contains(element))
        {
            return this;
        }

        var delta = (Delta?.Elements ?? ImmutableHashSet<T>.Empty).Add(element);
        return new GSet<T>(Elements.Add(element), new GSet<T>(delta, null));
    }

    /// <inheritdoc />
    public GSet<T> Merge(GSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Elements.Count > Elements.Count)
        {
            return other.Merge(this);
        }

        return new GSet<T>(Elements.Union(other.Elements), null);
    }

    /// <inheritdoc />
    public GSet<T> MergeDelta(GSet<T> delta) => Merge(delta);

    /// <inheritdoc />
    public GSet<T> ResetDelta() => Delta is null ? this : new GSet<T>(Elements, null);

    /// <inheritdoc />
    public bool Equals(GSet<T>? other) => other is not null && Elements.SetEquals(other.Elements);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as GSet<T>);

    /// <inheritdoc />
    public override int GetHashCode() => Elements.Count;

    /// <inheritdoc />
    public override string ToString() => $"GSet({string.Join(", ", Elements)})";
}
