namespace ClusterLb.DistributedData.Crdt;

/// <summary>
/// A state-based CRDT: a value with a merge that is commutative, associative and idempotent, so replicas that
/// have seen the same updates converge whatever order the states arrive in.
/// </summary>
public interface IReplicatedData
{
    /// <summary>Merges another state of the same type; throws <see cref="ArgumentException"/> for another type.</summary>
    IReplicatedData Merge(IReplicatedData other);
}

/// <summary>The strongly typed form of <see cref="IReplicatedData"/>.</summary>
public interface IReplicatedData<T> : IReplicatedData
    where T : IReplicatedData<T>
{
    /// <summary>The least upper bound of this state and <paramref name="other"/>.</summary>
    T Merge(T other);

    IReplicatedData IReplicatedData.Merge(IReplicatedData other) => other is T typed
        ? Merge(typed)
        : throw TypeMismatch.For(typeof(T), other);
}

internal static class TypeMismatch
{
    public static ArgumentException For(Type expected, object? actual) => new(
        $"Cannot merge {actual?.GetType().Name ?? "null"} into {expected.Name}: replicated data of different types never merge.",
        nameof(actual));
}
