using System.Collections.Immutable;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// One key's replica as the replicator holds it: the value (null once deleted), pruning markers, and for each origin
/// the sequence number of the last of its deltas this state includes. Immutable; merging returns a new envelope.
/// </summary>
/// <remarks>
/// Delta versions travel with full states, so a replica that was repaired by anti-entropy knows which deltas it no
/// longer needs and accepts the next one in sequence.
/// </remarks>
internal sealed class DataEnvelope
{
    private byte[]? _digest;

    public DataEnvelope(
        IReplicatedData? data,
        ImmutableDictionary<ReplicaId, PruningState>? pruning = null,
        ImmutableDictionary<ReplicaId, long>? deltaVersions = null)
    {
        Data = data;
        Pruning = pruning ?? ImmutableDictionary<ReplicaId, PruningState>.Empty;
        DeltaVersions = deltaVersions ?? ImmutableDictionary<ReplicaId, long>.Empty;
    }

    public IReplicatedData? Data { get; }

    public bool IsDeleted => Data is null;

    public ImmutableDictionary<ReplicaId, PruningState> Pruning { get; }

    public ImmutableDictionary<ReplicaId, long> DeltaVersions { get; }

    /// <summary>A hash of value and pruning markers (not delta versions), compared by anti-entropy.</summary>
    public byte[] Digest => _digest ??= EnvelopeWire.ComputeDigest(this);

    public long DeltaVersion(ReplicaId origin) => DeltaVersions.GetValueOrDefault(origin);

    public DataEnvelope WithDeltaVersion(ReplicaId origin, long seq) =>
        new(Data, Pruning, DeltaVersions.SetItem(origin, Math.Max(seq, DeltaVersion(origin))));

    public DataEnvelope WithData(IReplicatedData? data) => new(data, data is null ? null : Pruning, DeltaVersions);

    public DataEnvelope WithPruning(ReplicaId removed, PruningState state) =>
        new(Data, Pruning.SetItem(removed, state), DeltaVersions);

    public DataEnvelope WithoutPruning(ReplicaId removed) => new(Data, Pruning.Remove(removed), DeltaVersions);

    /// <summary>Merges another replica's envelope: tombstones win, markers merge, both values are cleaned of pruned replicas first.</summary>
    public DataEnvelope Merge(DataEnvelope other)
    {
        var deltaVersions = DeltaVersions;
        foreach (var (origin, seq) in other.DeltaVersions)
        {
            if (seq > deltaVersions.GetValueOrDefault(origin))
            {
                deltaVersions = deltaVersions.SetItem(origin, seq);
            }
        }

        if (IsDeleted || other.IsDeleted)
        {
            return new DataEnvelope(null, null, deltaVersions);
        }

        var pruning = Pruning;
        foreach (var (removed, state) in other.Pruning)
        {
            pruning = pruning.SetItem(removed, pruning.TryGetValue(removed, out var mine) ? PruningState.Merge(mine, state) : state);
        }

        var mergedData = Cleanup(Data!, pruning).Merge(Cleanup(other.Data!, pruning));
        return new DataEnvelope(mergedData, pruning, deltaVersions);
    }

    /// <summary>This envelope with a peer's delta applied, cleaned of pruned replicas.</summary>
    public DataEnvelope ApplyDelta(IReplicatedDelta delta) =>
        IsDeleted ? this : new DataEnvelope(Cleanup(((IDeltaReplicatedData)Data!).MergeDelta(delta), Pruning), Pruning, DeltaVersions);

    /// <summary>Adds <paramref name="self"/> to the seen set of every marker it has not seen yet.</summary>
    public DataEnvelope AddSeen(ReplicaId self)
    {
        var pruning = Pruning;
        foreach (var (removed, state) in Pruning)
        {
            if (state is PruningInitialized init && !init.Seen.Contains(self))
            {
                pruning = pruning.SetItem(removed, init with { Seen = init.Seen.Add(self) });
            }
        }

        return ReferenceEquals(pruning, Pruning) ? this : new DataEnvelope(Data, pruning, DeltaVersions);
    }

    private static IReplicatedData Cleanup(IReplicatedData data, ImmutableDictionary<ReplicaId, PruningState> pruning)
    {
        foreach (var (removed, state) in pruning)
        {
            if (state is PruningPerformed)
            {
                data = PruningDispatch.Cleanup(data, removed);
            }
        }

        return data;
    }
}
