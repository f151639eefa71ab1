using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

// Delta propagation: local updates are pushed to every reachable peer each delta-propagation-interval, numbered per
// key in this replica's sequence. Receivers apply them strictly in sequence (for causal types) and ask for the full
// state when they see a gap.
public sealed partial class Replicator
{
    // Key -> accumulated delta since the last tick; null means "send the full state" (no delta type, pruned, deleted).
    private readonly Dictionary<string, IReplicatedDelta?> _pendingPropagation = new(StringComparer.Ordinal);

    private void QueuePropagation(string id, IReplicatedDelta? delta)
    {
        if (_pendingPropagation.TryGetValue(id, out var pending))
        {
            _pendingPropagation[id] = pending is null || delta is null ? null : (IReplicatedDelta)pending.Merge(delta);
        }
        else
        {
            _pendingPropagation[id] = delta;
        }
    }

    private void PropagateDeltas()
    {
        if (_pendingPropagation.Count == 0)
        {
            return;
        }

        var entries = new List<Wire.DeltaEntry>(_pendingPropagation.Count);
        foreach (var (id, delta) in _pendingPropagation)
        {
            if (!_data.TryGetValue(id, out var envelope))
            {
                continue;
            }

            // The sequence advances even when nobody is reachable: whoever missed it sees a gap and asks for full state.
            var seq = envelope.DeltaVersion(_self) + 1;
            envelope = envelope.WithDeltaVersion(_self, seq);
            _data[id] = envelope;
            if (delta is not null)
            {
                var bytes = ReplicatedDataSerializer.Serialize(delta);
                if (bytes.Length + 256 <= _settings.MaxMessageSize)
                {
                    entries.Add(new Wire.DeltaEntry { Key = id, Seq = seq, Delta = ByteString.CopyFrom(bytes) });
                    continue;
                }
            }

            entries.Add(new Wire.DeltaEntry { Key = id, Seq = seq, IsFull = true, Full = EnvelopeWire.ToWire(envelope) });
        }

        _pendingPropagation.Clear();
        var from = EnvelopeWire.ToWire(_self);
        var batches = MessagePacker.Pack(entries, _settings.MaxMessageSize, _settings.MaxDeltaElements,
            (entry, size) => ReplicatorLog.Oversized(Log, entry.Key, size, _settings.MaxMessageSize, "delta propagation"));
        foreach (var batch in batches)
        {
            var message = new Wire.DeltaPropagation { From = from };
            message.Entries.AddRange(batch);
            ReplicatorMetrics.Sent("delta", message.CalculateSize(), ReachablePeers.Count());
            foreach (var (_, peer) in ReachablePeers)
            {
                peer.Tell(message, Self);
            }
        }
    }

    private void ReceiveDeltas(Wire.DeltaPropagation message)
    {
        ReplicaId origin;
        try
        {
            origin = EnvelopeWire.FromWire(message.From);
        }
        catch (Exception e) when (e is ReplicatedDataSerializationException or ArgumentException)
        {
            ReplicatorLog.BadMessage(Log, nameof(Wire.DeltaPropagation), "-", Sender.Path.ToString(), e.Message);
            return;
        }

        if (_removed.ContainsKey(origin))
        {
            return; // late deltas of a removed replica would resurrect slots that pruning folds away
        }

        foreach (var entry in message.Entries)
        {
            try
            {
                if (entry.IsFull)
                {
                    MergeIncoming(entry.Key, EnvelopeWire.FromWire(entry.Full));
                }
                else
                {
                    ApplyDelta(origin, entry);
                }
            }
            catch (Exception e) when (e is ReplicatedDataSerializationException or ArgumentException or InvalidCastException)
            {
                ReplicatorLog.BadMessage(Log, "delta", entry.Key, origin.ToString(), e.Message);
            }
        }
    }

    private void ApplyDelta(ReplicaId origin, Wire.DeltaEntry entry)
    {
        _data.TryGetValue(entry.Key, out var envelope);
        if (envelope is { IsDeleted: true })
        {
            return;
        }

        var current = envelope?.DeltaVersion(origin) ?? 0;
        if (entry.Seq <= current)
        {
            return; // already included, through an earlier delta or a full state
        }

        if (ReplicatedDataSerializer.Deserialize(entry.Delta.Span) is not IReplicatedDelta delta)
        {
            throw new ReplicatedDataSerializationException($"Delta entry of {entry.Key} does not hold a delta.");
        }

        var causal = (envelope?.Data ?? delta.Zero) is IRequiresCausalDeliveryOfDeltas;
        if (causal && entry.Seq > current + 1)
        {
            ReplicatorLog.DeltaGap(Log, entry.Seq, entry.Key, origin.ToString(), current);
            Sender.Tell(new Wire.DeltaNack { Key = entry.Key }, Self);
            return;
        }

        var updated = (envelope ?? new DataEnvelope(delta.Zero)).ApplyDelta(delta).WithDeltaVersion(origin, entry.Seq);
        Put(entry.Key, updated);
    }

    private void ReceiveDeltaNack(Wire.DeltaNack nack)
    {
        if (_data.ContainsKey(nack.Key))
        {
            SendGossip(Sender, [nack.Key], sendBack: false);
        }
    }

    /// <summary>Merges a full envelope from a peer into the local one and records that this replica saw its pruning markers.</summary>
    private void MergeIncoming(string id, DataEnvelope incoming, IKey? key = null)
    {
        var merged = _data.TryGetValue(id, out var local) ? local.Merge(incoming) : incoming;
        Put(id, merged.AddSeen(_self), key);
    }
}
