using ClusterLb.DistributedData.Crdt.Serialization;
using Google.Protobuf;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

// Durable keys: loaded once before the first request is served (requests are stashed until then) and written after
// every change, one write at a time so a store sees a key's versions in order.
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

    private void StoreDurable(string id, DataEnvelope envelope)
    {
        var bytes = EnvelopeWire.ToWire(envelope).ToByteArray();
        var store = _durableStore!;
        var log = Log;
        _durableWrites = _durableWrites.ContinueWith(
            async _ =>
            {
                try
                {
                    await store.StoreAsync(id, bytes, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    ReplicatorLog.DurableStoreFailed(log, e, id);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.None,
            TaskScheduler.Default).Unwrap();
    }
}
