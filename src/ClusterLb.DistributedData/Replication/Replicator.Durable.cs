using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

// Durable keys: loaded once before the first request is served (requests are stashed until then) and written after
// every change, one write at a time so a store sees a key's versions in order. Update and Delete of a durable key
// answer once the write is stored (or with StoreFailure), as in Akka.
public sealed partial class Replicator
{
    private void LoadDurable(IReadOnlyDictionary<string, byte[]> entries)
    {
        var loaded = 0;
        foreach (var (id, bytes) in entries)
        {
            try
            {
                var envelope = EnvelopeWire.FromWire(Wire.DataEnvelope.Parser.ParseFrom(bytes));
                _data[id] = _data.TryGetValue(id, out var existing) ? existing.Merge(envelope) : envelope;
                loaded++;
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or ReplicatedDataSerializationException or ArgumentException)
            {
                ReplicatorLog.DurableEntrySkipped(Log, id, e.Message);
            }
        }

        ReplicatorLog.DurableLoaded(Log, loaded);
    }

    /// <summary>Queues the write of a durable key; the task says whether it was stored (failures are logged).</summary>
    private Task<bool> StoreDurable(string id, DataEnvelope envelope)
    {
        var bytes = EnvelopeWire.ToWire(envelope).ToByteArray();
        var store = _durableStore!;
        var log = Log;
        var write = _durableWrites.ContinueWith(
            async _ =>
            {
                try
                {
                    await store.StoreAsync(id, bytes, CancellationToken.None).ConfigureAwait(false);
                    return true;
                }
                catch (Exception e)
                {
                    ReplicatorLog.DurableStoreFailed(log, e, id);
                    return false;
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
        _durableWrites = write;
        return write;
    }
}

/// <summary>Replies to a write of a durable key once the durable store has it (Akka's behaviour), or at once otherwise.</summary>
internal static class DurableReply
{
    /// <summary>
    /// Tells <paramref name="reply"/> to <paramref name="replyTo"/> after <paramref name="stored"/> completed with true,
    /// or <paramref name="storeFailure"/> when the store failed; without a pending write, at once.
    /// </summary>
    public static void After(Task<bool>? stored, IActorRef replyTo, object reply, object storeFailure, IActorRef sender)
    {
        if (stored is null || (stored.IsCompletedSuccessfully && stored.Result))
        {
            replyTo.Tell(reply, sender);
            return;
        }

        stored.ContinueWith(
            t => replyTo.Tell(t.IsCompletedSuccessfully && t.Result ? reply : storeFailure, sender),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }
}
