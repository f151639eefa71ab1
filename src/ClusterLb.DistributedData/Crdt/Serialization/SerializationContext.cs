using ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Collects the replica table while a value is written.</summary>
internal sealed class WriteContext
{
    private readonly Dictionary<ReplicaId, uint> _indexes = new();

    public List<ReplicaId> Replicas { get; } = new();

    public uint IndexOf(ReplicaId node)
    {
        if (!_indexes.TryGetValue(node, out var index))
        {
            index = (uint)Replicas.Count;
            _indexes.Add(node, index);
            Replicas.Add(node);
        }

        return index;
    }
}

/// <summary>Resolves replica table indexes while a value is read.</summary>
internal sealed class ReadContext
{
    private readonly ReplicaId[] _replicas;

    public ReadContext(IReadOnlyList<Replica> replicas)
    {
        _replicas = new ReplicaId[replicas.Count];
        for (var i = 0; i < replicas.Count; i++)
        {
            if (string.IsNullOrEmpty(replicas[i].Address))
            {
                throw new ReplicatedDataSerializationException($"Replica table entry {i} has no address.");
            }

            _replicas[i] = new ReplicaId(replicas[i].Address, replicas[i].Uid);
        }
    }

    public ReplicaId Node(uint index) => index < _replicas.Length
        ? _replicas[index]
        : throw new ReplicatedDataSerializationException($"Replica index {index} is outside the replica table ({_replicas.Length} entries).");
}
