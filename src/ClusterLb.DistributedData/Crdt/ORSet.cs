using System.Collections.Immutable;

namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// An observed-remove set with add-wins semantics. Every add creates a "dot" (replica, version) taken from the
/// set's version vector; a remove deletes only the dots the remover has seen. So when one replica removes an
/// element while another concurrently adds it again, the concurrent add's dot survives and the element stays.
/// </summary>
/// <remarks>
/// Unlike Akka, an add keeps the element's existing dots from other replicas (it only replaces the adder's own older
/// dot). The elements are the same either way; keeping the dots makes a single-dot add delta exactly equal to the
/// full-state merge, at the cost of at most one dot per replica per element.
/// </remarks>
public sealed class ORSet<T> :
    IDeltaReplicatedData<ORSet<T>, ORSetDelta<T>>,
    IRequiresCausalDeliveryOfDeltas,
    IRemovedNodePruning<ORSet<T>>,
    IEquatable<ORSet<T>>
    where T : notnull
{
    /// <summary>The empty set.</summary>
    public static readonly ORSet<T> Empty = new(ImmutableDictionary<T, VersionVector>.Empty, VersionVector.Empty, null);

    private ORSet(ImmutableDictionary<T, VersionVector> elementDots, VersionVector versionVector, ORSetDelta<T>? delta)
    {
        ElementDots = elementDots;
        VersionVector = versionVector;
        Delta = delta;
    }

    /// <summary>Per element, the dots of the adds that keep it in the set.</summary>
    public ImmutableDictionary<T, VersionVector> ElementDots { get; }

    /// <summary>The causal history of the set: every dot it has seen, present or removed.</summary>
    public VersionVector VersionVector { get; }

    /// <summary>The elements.</summary>
    public IEnumerable<T> Elements => ElementDots.Keys;

    /// <summary>Number of elements.</summary>
    public int Count => ElementDots.Count;

    /// <inheritdoc />
    public ORSetDelta<T>? Delta { get; }

    /// <summary>
    /// Builds a set from its parts (deserialization). Throws <see cref="ArgumentException"/> when an element has no
    /// dot or a dot the version vector has not seen: such a state would resurrect or lose elements on merge.
    /// </summary>
    public static ORSet<T> Create(IEnumerable<KeyValuePair<T, VersionVector>> elementDots, VersionVector versionVector)
    {
        ArgumentNullException.ThrowIfNull(versionVector);
        var builder = ImmutableDictionary.CreateBuilder<T, VersionVector>();
        foreach (var (element, dots) in elementDots)
        {
            ArgumentNullException.ThrowIfNull(element);
            if (dots is null || dots.IsEmpty)
            {
                throw new ArgumentException($"Element '{element}' has no dot.", nameof(elementDots));
            }

            if (dots.Compare(versionVector) is not (VersionOrdering.Before or VersionOrdering.Same))
            {
                throw new ArgumentException($"Element '{element}' has a dot the version vector has not seen: {dots} vs {versionVector}.", nameof(elementDots));
            }

            builder.Add(element, dots);
        }

        return new ORSet<T>(builder.ToImmutable(), versionVector, null);
    }

    /// <summary>True when <paramref name="element"/> is in the set.</summary>
    public bool Contains(T element) => ElementDots.ContainsKey(element);

    /// <summary>Adds <paramref name="element"/> on behalf of <paramref name="node"/>.</summary>
    public ORSet<T> Add(ReplicaId node, T element)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(element);
        var versionVector = VersionVector.Increment(node);
        var dot = VersionVector.Dot(node, versionVector.VersionAt(node));
        var dots = ElementDots.TryGetValue(element, out var existing) ? existing.Merge(dot) : dot;
        var delta = (Delta ?? ORSetDelta<T>.Empty).WithOp(element, new ORSetElementOp(null, dot), dot);
        return new ORSet<T>(ElementDots.SetItem(element, dots), versionVector, delta);
    }

    /// <summary>Removes <paramref name="element"/> on behalf of <paramref name="node"/>: every add seen so far is undone.</summary>
    public ORSet<T> Remove(ReplicaId node, T element)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(element);
        if (!ElementDots.ContainsKey(element))
        {
            return this;
        }

        var delta = (Delta ?? ORSetDelta<T>.Empty).WithOp(element, new ORSetElementOp(VersionVector, null), null);
        return new ORSet<T>(ElementDots.Remove(element), VersionVector, delta);
    }

    /// <summary>Removes every element seen so far on behalf of <paramref name="node"/>.</summary>
    public ORSet<T> Clear(ReplicaId node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var delta = (Delta ?? ORSetDelta<T>.Empty).Merge(
            new ORSetDelta<T>(VersionVector, ImmutableDictionary<T, ORSetElementOp>.Empty, VersionVector.Empty));
        return new ORSet<T>(ElementDots.Clear(), VersionVector, delta);
    }

    /// <inheritdoc />
    public ORSet<T> Merge(ORSet<T> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(ElementDots, other.ElementDots) && VersionVector.Equals(other.VersionVector))
        {
            return Delta is null ? this : ResetDelta();
        }

        var merged = ElementDots;
        foreach (var (element, theirDots) in other.ElementDots)
        {
            var ourDots = ElementDots.GetValueOrDefault(element) ?? VersionVector.Empty;
            if (!ReferenceEquals(ourDots, theirDots))
            {
                merged = SetOrRemove(merged, element, Dots.Merge(ourDots, VersionVector, theirDots, other.VersionVector));
            }
        }

        foreach (var (element, ourDots) in ElementDots)
        {
            if (!other.ElementDots.ContainsKey(element))
            {
                merged = SetOrRemove(merged, element, Dots.Unseen(ourDots, other.VersionVector));
            }
        }

        return new ORSet<T>(merged, VersionVector.Merge(other.VersionVector), null);
    }

    /// <inheritdoc />
    public ORSet<T> MergeDelta(ORSetDelta<T> delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var elements = ElementDots;
        if (delta.ClearedBy is { } clearedBy)
        {
            foreach (var (element, dots) in ElementDots)
            {
                elements = SetOrRemove(elements, element, Dots.Unseen(dots, clearedBy));
            }
        }

        foreach (var (element, op) in delta.Ops)
        {
            var dots = elements.GetValueOrDefault(element) ?? VersionVector.Empty;
            if (op.RemovedBy is not null)
            {
                dots = Dots.Unseen(dots, op.RemovedBy);
            }

            if (op.Added is not null)
            {
                dots = Dots.Add(dots, VersionVector, op.Added);
            }

            elements = SetOrRemove(elements, element, dots);
        }

        return new ORSet<T>(elements, VersionVector.Merge(delta.Context), null);
    }

    /// <inheritdoc />
    public ORSet<T> ResetDelta() => Delta is null ? this : new ORSet<T>(ElementDots, VersionVector, null);

    /// <inheritdoc />
    public IReadOnlySet<ReplicaId> ModifiedByNodes => VersionVector.Versions.Keys.ToHashSet();

    /// <inheritdoc />
    public bool NeedPruningFrom(ReplicaId removedNode) => VersionVector.NeedPruningFrom(removedNode);

    /// <summary>
    /// Drops <paramref name="removedNode"/>'s dots and re-adds, as <paramref name="collapseInto"/>, every element that
    /// carried one, so no element is lost and the new dots are unseen by replicas that still hold the old ones.
    /// </summary>
    public ORSet<T> Prune(ReplicaId removedNode, ReplicaId collapseInto)
    {
        if (!NeedPruningFrom(removedNode))
        {
            return this;
        }

        var pruned = new ORSet<T>(ElementDots, VersionVector.Prune(removedNode, collapseInto), null);
        foreach (var (element, dots) in ElementDots)
        {
            if (dots.NeedPruningFrom(removedNode))
            {
                var remaining = dots.Without(removedNode);
                pruned = new ORSet<T>(
                    remaining.IsEmpty ? pruned.ElementDots.Remove(element) : pruned.ElementDots.SetItem(element, remaining),
                    pruned.VersionVector,
                    null).Add(collapseInto, element);
            }
        }

        return pruned.ResetDelta();
    }

    /// <inheritdoc />
    public ORSet<T> PruningCleanup(ReplicaId removedNode)
    {
        if (!NeedPruningFrom(removedNode))
        {
            return this;
        }

        var elements = ElementDots;
        foreach (var (element, dots) in ElementDots)
        {
            if (dots.NeedPruningFrom(removedNode))
            {
                elements = SetOrRemove(elements, element, dots.Without(removedNode));
            }
        }

        return new ORSet<T>(elements, VersionVector.PruningCleanup(removedNode), null);
    }

    private static ImmutableDictionary<T, VersionVector> SetOrRemove(ImmutableDictionary<T, VersionVector> elements, T element, VersionVector dots)
    {
        if (dots.IsEmpty)
        {
            return elements.Remove(element);
        }

        return elements.TryGetValue(element, out var current) && ReferenceEquals(current, dots) ? elements : elements.SetItem(element, dots);
    }

    /// <inheritdoc />
    public bool Equals(ORSet<T>? other) =>
        other is not null &&
        (ReferenceEquals(this, other) ||
         (VersionVector.Equals(other.VersionVector) &&
          ElementDots.Count == other.ElementDots.Count &&
          ElementDots.All(e => other.ElementDots.TryGetValue(e.Key, out var theirs) && e.Value.Equals(theirs))));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ORSet<T>);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(ElementDots.Count, VersionVector);

    /// <inheritdoc />
    public override string ToString() => $"ORSet({string.Join(", ", Elements)})";
}
