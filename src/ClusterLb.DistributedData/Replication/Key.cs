using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>A top-level replicated key: an id plus the data type stored under it.</summary>
public interface IKey
{
    /// <summary>The key's id; keys are compared by id only.</summary>
    string Id { get; }
}

/// <summary>A key holding data of type <typeparamref name="T"/>, e.g. <c>new Key&lt;LWWMap&lt;string, string&gt;&gt;("pool-web")</c>.</summary>
public sealed record Key<T>(string Id) : IKey
    where T : IReplicatedData
{
    /// <summary>The validated id.</summary>
    public string Id { get; } = !string.IsNullOrEmpty(Id)
        ? Id
        : throw new ArgumentException("A replicated key needs a non-empty id.", nameof(Id));

    /// <inheritdoc />
    public override string ToString() => Id;
}
