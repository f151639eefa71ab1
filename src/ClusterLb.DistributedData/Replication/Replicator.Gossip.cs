using System.Text;
using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

// Anti-entropy: every gossip-interval one random reachable peer gets the digests of one chunk of keys; it answers
// with full states of the keys that differ (asking for ours back) and with the keys it lacks, so one exchange
// repairs both sides. Full states travel in batches under max-message-size.
public sealed partial class Replicator
{
    private const int DigestEntryAllowance = 48; // digest (32 bytes) plus field tags and length prefixes
    private int _statusRound;

    private void SendStatus()
    {
        var peers = ReachablePeers.Select(p => p.Value).ToList();
        if (peers.Count == 0)
        {
            return;
        }

        var target = peers[_random.Next(peers.Count)];
        var totalChunks = StatusChunkCount();
        var chunk = _statusRound++ % totalChunks;
        var status = new Wire.Status { Chunk = chunk, TotalChunks = totalChunks };
        foreach (var (id, envelope) in _data)
        {
            if (KeyChunks.ChunkOf(id, totalChunks) == chunk)
            {
                status.Entries.Add(new Wire.StatusEntry { Key = id, Digest = ByteString.CopyFrom(envelope.Digest) });
            }
        }

        ReplicatorMetrics.Sent("status", status.CalculateSize());
        target.Tell(status, Self);
    }

    // Enough chunks that each holds at most max-delta-elements keys and, with some slack for uneven hashing, fits a message.
    private int StatusChunkCount()
    {
        var bytes = 0L;
        foreach (var id in _data.Keys)
        {
            bytes += Encoding.UTF8.GetByteCount(id) + DigestEntryAllowance;
        }

        var byCount = (_data.Count + _settings.MaxDeltaElements - 1) / _settings.MaxDeltaElements;
        var bySize = (int)Math.Min(int.MaxValue, bytes * 2 / Math.Max(1, _settings.MaxMessageSize - 512) + 1);
        return Math.Max(1, Math.Max(byCount, bySize));
    }

    private void ReceiveStatus(Wire.Status status)
    {
        var differing = new List<string>();
        var missingHere = new List<string>();
        var sendBack = false;
        var mentioned = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in status.Entries)
        {
            mentioned.Add(entry.Key);
            if (_data.TryGetValue(entry.Key, out var envelope))
            {
                if (entry.Digest.IsEmpty)
                {
                    differing.Add(entry.Key);
                }
                else if (!entry.Digest.Span.SequenceEqual(envelope.Digest))
                {
                    differing.Add(entry.Key);
                    sendBack = true;
                }
            }
            else if (!entry.Digest.IsEmpty)
            {
                missingHere.Add(entry.Key);
            }
        }

        if (!status.IsReply)
        {
            var totalChunks = Math.Max(1, status.TotalChunks);
            foreach (var id in _data.Keys)
            {
                if (!mentioned.Contains(id) && KeyChunks.ChunkOf(id, totalChunks) == status.Chunk)
                {
                    differing.Add(id);
                }
            }
        }

        if (differing.Count > 0)
        {
            SendGossip(Sender, differing, sendBack);
        }

        if (missingHere.Count > 0 && !status.IsReply)
        {
            var reply = new Wire.Status { IsReply = true };
            reply.Entries.AddRange(missingHere.Select(id => new Wire.StatusEntry { Key = id }));
            Sender.Tell(reply, Self);
        }
    }

    private void ReceiveGossip(Wire.Gossip gossip)
    {
        var replyKeys = new List<string>();
        foreach (var entry in gossip.Entries)
        {
            try
            {
                MergeIncoming(entry.Key, EnvelopeWire.FromWire(entry.Envelope));
                replyKeys.Add(entry.Key);
            }
            catch (Exception e) when (e is ReplicatedDataSerializationException or ArgumentException or InvalidCastException)
            {
                ReplicatorLog.BadMessage(Log, nameof(Wire.Gossip), entry.Key, Sender.Path.ToString(), e.Message);
            }
        }

        if (gossip.SendBack && replyKeys.Count > 0)
        {
            SendGossip(Sender, replyKeys, sendBack: false);
        }
    }

    /// <summary>Sends the full envelopes of <paramref name="keys"/> in as many messages as the size limit needs.</summary>
    private void SendGossip(IActorRef target, IEnumerable<string> keys, bool sendBack)
    {
        var entries = keys
            .Where(_data.ContainsKey)
            .Select(id => new Wire.GossipEntry { Key = id, Envelope = EnvelopeWire.ToWire(_data[id]) });
        var batches = MessagePacker.Pack(entries, _settings.MaxMessageSize, _settings.MaxDeltaElements,
            (entry, size) => ReplicatorLog.Oversized(Log, entry.Key, size, _settings.MaxMessageSize, "anti-entropy gossip"));
        foreach (var batch in batches)
        {
            var gossip = new Wire.Gossip { SendBack = sendBack };
            gossip.Entries.AddRange(batch);
            ReplicatorMetrics.Sent("gossip", gossip.CalculateSize());
            target.Tell(gossip, Self);
        }
    }

    private void ReceiveWrite(Wire.Write write)
    {
        try
        {
            MergeIncoming(write.Key, EnvelopeWire.FromWire(write.Envelope));
            Sender.Tell(new Wire.WriteAck { Key = write.Key }, Self);
        }
        catch (Exception e) when (e is ReplicatedDataSerializationException or ArgumentException or InvalidCastException)
        {
            ReplicatorLog.BadMessage(Log, nameof(Wire.Write), write.Key, Sender.Path.ToString(), e.Message);
            Sender.Tell(new Wire.WriteNack { Key = write.Key, Reason = e.Message }, Self);
        }
    }

    private void ReceiveRead(Wire.Read read)
    {
        var result = new Wire.ReadResult { Key = read.Key };
        if (_data.TryGetValue(read.Key, out var envelope))
        {
            result.Envelope = EnvelopeWire.ToWire(envelope);
            var size = result.CalculateSize();
            if (size > _settings.MaxMessageSize)
            {
                // No answer rather than an oversized one: the reader times out, which is the truth.
                ReplicatorLog.Oversized(Log, read.Key, size, _settings.MaxMessageSize, "read reply");
                return;
            }
        }

        Sender.Tell(result, Self);
    }
}
