using System.Collections.Immutable;
using System.Diagnostics;
using Akka.Actor;
using Akka.DistributedData.Durable;
using Akka.Event;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// The child of <see cref="SqlDurableStore"/> that does the database I/O, synchronously, on its own dispatcher
/// (by default DData's pinned <c>durable.pinned-store</c> thread). Never throws on a write: a failed write is logged
/// and answered with the <see cref="StoreReply.FailureMessage"/>, and the connection is dropped so the next write
/// reconnects (and re-creates the table if it went missing).
/// </summary>
internal sealed class DurableStoreWriter : ReceiveActor, IWithTimers
{
    private const string FlushTimer = "write-behind";

    private readonly SqlDurableStoreSettings _settings;
    private readonly DurableTable _table;
    private readonly DurableEnvelopeCodec _codec;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    // Write-behind buffer: only the newest envelope per key matters, because each one contains the ones before it.
    private readonly Dictionary<string, DurableDataEnvelope> _pending = new(StringComparer.Ordinal);

    public DurableStoreWriter(SqlDurableStoreSettings settings)
    {
        _settings = settings;
        _table = settings.Provider switch
        {
            SqlDurableProvider.Sqlite => new SqliteDurableTable(settings.SqlitePath, settings.BusyTimeout, settings.Table),
            _ => new PostgresDurableTable(settings.PostgresConnectionString, settings.PostgresSchema, settings.Table),
        };
        _codec = new DurableEnvelopeCodec(Context.System.Serialization);

        Receive<LoadAll>(_ => LoadAllTo(Sender));
        Receive<Store>(store =>
        {
            if (_settings.WriteBehindInterval == TimeSpan.Zero)
            {
                WriteNow(store);
            }
            else
            {
                Buffer(store);
            }
        });
        Receive<FlushPending>(_ => Flush(retryLater: true));
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        base.PreStart();
        var writes = _settings.WriteBehindInterval == TimeSpan.Zero
            ? "each write committed before it is acknowledged"
            : $"write-behind every {_settings.WriteBehindInterval.TotalMilliseconds} ms";
        _log.Info("Durable distributed data in {0}, {1}, on dispatcher {2}", _table.Location, writes, Context.Props.Dispatcher);
    }

    protected override void PostStop()
    {
        // A stop (the Replicator stopping, the system terminating) must not lose buffered writes; there is no later.
        Flush(retryLater: false);
        _table.Dispose();
        base.PostStop();
    }

    private void LoadAllTo(IActorRef replicator)
    {
        var started = Stopwatch.StartNew();
        ImmutableDictionary<string, DurableDataEnvelope> loaded;
        try
        {
            var builder = ImmutableDictionary.CreateBuilder<string, DurableDataEnvelope>(StringComparer.Ordinal);
            foreach (var row in _table.ReadAll())
            {
                builder[row.Key] = _codec.Decode(row);
            }

            loaded = builder.ToImmutable();
        }
        catch (Exception e)
        {
            _table.Reset();
            // The contract wants LoadFailedException thrown by the store the Replicator supervises: the parent does that.
            Context.Parent.Tell(new WriterLoadFailed($"Failed to load durable distributed data from {_table.Location}: {e.Message}", e));
            return;
        }

        if (loaded.Count > 0)
        {
            replicator.Tell(new LoadData(loaded));
        }

        replicator.Tell(LoadAllCompleted.Instance);
        _log.Debug("Loaded {0} durable entries from {1} in {2} ms", loaded.Count, _table.Location, started.ElapsedMilliseconds);
    }

    private void WriteNow(Store store)
    {
        try
        {
            _table.Upsert([_codec.Encode(store.Key, store.Data)]);
        }
        catch (Exception e)
        {
            _table.Reset();
            _log.Error(e, "Failed to store durable key [{0}] in {1}: {2}", store.Key, _table.Location, e.Message);
            store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
            return;
        }

        store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
    }

    private void Buffer(Store store)
    {
        if (_pending.Count == 0)
        {
            Timers.StartSingleTimer(FlushTimer, FlushPending.Instance, _settings.WriteBehindInterval);
        }

        _pending[store.Key] = store.Data;
        // Acknowledged when buffered, as Akka's LMDB store does: write-behind trades the last interval's writes on a
        // crash for fewer commits. Encoding happens at flush, so only the newest value per key is serialized.
        store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
    }

    private void Flush(bool retryLater)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var started = Stopwatch.StartNew();
        try
        {
            _table.Upsert(_pending.Select(entry => _codec.Encode(entry.Key, entry.Value)).ToList());
        }
        catch (Exception e)
        {
            _table.Reset();
            _log.Error(e, "Failed to store {0} buffered durable keys [{1}] in {2}{3}: {4}",
                _pending.Count, string.Join(", ", _pending.Keys), _table.Location,
                retryLater ? $", retrying in {_settings.WriteBehindInterval.TotalMilliseconds} ms" : " while stopping; they are lost on this node",
                e.Message);
            if (retryLater)
            {
                // Kept for the next interval: newer stores of the same keys replace them, nothing older is written later.
                Timers.StartSingleTimer(FlushTimer, FlushPending.Instance, _settings.WriteBehindInterval);
            }

            return;
        }

        _log.Debug("Stored {0} buffered durable keys in {1} ms", _pending.Count, started.ElapsedMilliseconds);
        _pending.Clear();
    }

    /// <summary>The write-behind timer's tick.</summary>
    private sealed class FlushPending : INoSerializationVerificationNeeded, IDeadLetterSuppression
    {
        public static readonly FlushPending Instance = new();

        private FlushPending()
        {
        }
    }
}
