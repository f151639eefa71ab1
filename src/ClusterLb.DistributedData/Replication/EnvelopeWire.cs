using System.Collections.Immutable;
using System.Security.Cryptography;
using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

/// <summary>Converts envelopes and replica ids to and from their protobuf form.</summary>
internal static class EnvelopeWire
{
    public static Wire.ReplicaRef ToWire(ReplicaId id) => new() { Address = id.Address, Uid = id.Uid };

    public static ReplicaId FromWire(Wire.ReplicaRef? wire) => wire is null
        ? throw new ReplicatedDataSerializationException("Replicator message lacks a replica id.")
        : new ReplicaId(wire.Address, wire.Uid);

    public static Wire.DataEnvelope ToWire(DataEnvelope envelope, bool withDeltaVersions = true)
    {
        var wire = new Wire.DataEnvelope { Deleted = envelope.IsDeleted };
        if (envelope.Data is { } data)
        {
            wire.Data = ByteString.CopyFrom(ReplicatedDataSerializer.Serialize(data));
        }

        // Sorted so that equal envelopes give equal bytes (and digests) on every node.
        foreach (var (removed, state) in envelope.Pruning.OrderBy(p => p.Key))
        {
            var entry = new Wire.PruningEntry { Removed = ToWire(removed) };
            switch (state)
            {
                case PruningInitialized init:
                    entry.Owner = ToWire(init.Owner);
                    entry.Seen.AddRange(init.Seen.Order().Select(ToWire));
                    break;
                case PruningPerformed performed:
                    entry.Performed = true;
                    entry.ExpiresUnixMs = performed.ExpiresUnixMs;
                    break;
            }

            wire.Pruning.Add(entry);
        }

        if (withDeltaVersions)
        {
            foreach (var (origin, seq) in envelope.DeltaVersions)
            {
                wire.DeltaVersions.Add(new Wire.DeltaVersion { Origin = ToWire(origin), Seq = seq });
            }
        }

        return wire;
    }

    /// <summary>Reads an envelope; throws <see cref="ReplicatedDataSerializationException"/> for malformed input.</summary>
    public static DataEnvelope FromWire(Wire.DataEnvelope? wire)
    {
        if (wire is null)
        {
            throw new ReplicatedDataSerializationException("Replicator message lacks its data envelope.");
        }

        if (!wire.Deleted && wire.Data.IsEmpty)
        {
            throw new ReplicatedDataSerializationException("Data envelope holds neither a value nor a tombstone.");
        }

        var data = wire.Deleted ? null : ReplicatedDataSerializer.Deserialize(wire.Data.Span);
        var pruning = ImmutableDictionary.CreateBuilder<ReplicaId, PruningState>();
        foreach (var entry in wire.Pruning)
        {
            PruningState state = entry.Performed
                ? new PruningPerformed(entry.ExpiresUnixMs)
                : new PruningInitialized(FromWire(entry.Owner), entry.Seen.Select(FromWire).ToImmutableHashSet());
            pruning[FromWire(entry.Removed)] = state;
        }

        var versions = ImmutableDictionary.CreateBuilder<ReplicaId, long>();
        foreach (var version in wire.DeltaVersions)
        {
            versions[FromWire(version.Origin)] = version.Seq;
        }

        return new DataEnvelope(data, pruning.ToImmutable(), versions.ToImmutable());
    }

    public static byte[] ComputeDigest(DataEnvelope envelope) =>
        SHA256.HashData(ToWire(envelope, withDeltaVersions: false).ToByteArray());
}
