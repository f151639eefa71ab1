using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Properties;

/// <summary>One replicated data type under test: its empty value, a random local update, and what a user observes.</summary>
public abstract class Model
{
    public abstract string Name { get; }

    public abstract IReplicatedData Empty { get; }

    /// <summary>One random local update made by <paramref name="node"/>.</summary>
    public abstract IReplicatedData Update(IReplicatedData state, ReplicaId node, Random random);

    /// <summary>The user-visible value in a canonical text form (sorted), for "keeps the value" checks.</summary>
    public abstract string Observe(IReplicatedData state);

    public bool HasDeltas => Empty is IDeltaReplicatedData;

    public bool NeedsCausalDelivery => Empty is IRequiresCausalDeliveryOfDeltas;

    public bool SupportsPruning => Empty is IRemovedNodePruning;

    public override string ToString() => Name;
}

/// <summary>A model built from three lambdas.</summary>
public sealed class Model<T>(string name, T empty, Func<T, ReplicaId, Random, T> update, Func<T, string> observe) : Model
    where T : IReplicatedData<T>
{
    public override string Name => name;

    public override IReplicatedData Empty => empty;

    public override IReplicatedData Update(IReplicatedData state, ReplicaId node, Random random) => update((T)state, node, random);

    public override string Observe(IReplicatedData state) => observe((T)state);
}
