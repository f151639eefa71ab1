using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using Microsoft.Extensions.Logging;
using Wire = ClusterLb.DistributedData.Replication.Proto;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// One node's replica of every replicated key (Akka's Replicator). Serves Get/Update/Delete/Subscribe locally and
/// at the requested consistency, pushes deltas of local updates to its peers, repairs divergence by digest-based
/// anti-entropy, and prunes removed replicas. Peers and membership arrive as <see cref="IReplicaMembershipEvent"/>s;
/// everything sent to a peer is a protobuf message.
/// </summary>
public sealed partial class Replicator : ActorBase
{
    private readonly ReplicaId _self;
    private readonly ReplicatorSettings _settings;
    private readonly IDurableStore? _durableStore;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, DataEnvelope> _data = new(StringComparer.Ordinal);
    private readonly Dictionary<ReplicaId, IActorRef> _peers = new();
    private readonly HashSet<ReplicaId> _unreachable = new();
    private readonly Dictionary<ReplicaId, DateTimeOffset> _removed = new();
    private readonly Random _random = new();
    private Task _durableWrites = Task.CompletedTask;
    private bool _loaded;

    private Replicator(ReplicaId self, ReplicatorSettings settings, IDurableStore? durableStore, TimeProvider time)
    {
        _self = self;
        _settings = settings;
        _durableStore = durableStore;
        _time = time;
    }

    /// <summary>Props of the replicator of replica <paramref name="self"/>.</summary>
    public static Props Props(ReplicaId self, ReplicatorSettings settings, IDurableStore? durableStore = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.DurableKeys.Count > 0 && durableStore is null)
        {
            throw new ArgumentException("Durable keys are configured but no durable store was given.", nameof(durableStore));
        }

        return ClusterLb.Actors.Props.Create(() => new Replicator(self, settings, durableStore, time ?? TimeProvider.System));
    }

    private ILogger Log => Context.Log;

    private int TotalReplicas => _peers.Count + 1;

    /// <inheritdoc />
    protected override void PreStart()
    {
        Context.Timers.StartPeriodicTimer(DeltaTick.Instance, DeltaTick.Instance, _settings.DeltaPropagationInterval);
        Context.Timers.StartPeriodicTimer(GossipTick.Instance, GossipTick.Instance, _settings.GossipInterval);
        Context.Timers.StartPeriodicTimer(NotifyTick.Instance, NotifyTick.Instance, _settings.NotifySubscribersInterval);
        Context.Timers.StartPeriodicTimer(PruningTick.Instance, PruningTick.Instance, _settings.PruningInterval);
        if (_settings.DurableKeys.Count > 0)
        {
            _durableStore!.LoadAllAsync(CancellationToken.None).PipeTo(Self, success: entries => new DurableLoaded(entries));
        }
        else
        {
            _loaded = true;
        }
    }

    /// <inheritdoc />
    protected override bool Receive(object message)
    {
        if (!_loaded)
        {
            return ReceiveWhileLoading(message);
        }

        switch (message)
        {
            case Get get: HandleGet(get); return true;
            case Update update: HandleUpdate(update); return true;
            case Delete delete: HandleDelete(delete); return true;
            case ReadCompleted read: HandleReadCompleted(read); return true;
            case Subscribe subscribe: HandleSubscribe(subscribe); return true;
            case Unsubscribe unsubscribe: HandleUnsubscribe(unsubscribe); return true;
            case Terminated terminated: RemoveSubscriber(terminated.ActorRef); return true;
            case NotifyTick or FlushChanges: NotifySubscribers(); return true;
            case DeltaTick: PropagateDeltas(); return true;
            case GossipTick: SendStatus(); return true;
            case PruningTick: RunPruning(); return true;
            case Wire.DeltaPropagation deltas: ReceiveDeltas(deltas); return true;
            case Wire.DeltaNack nack: ReceiveDeltaNack(nack); return true;
            case Wire.Status status: ReceiveStatus(status); return true;
            case Wire.Gossip gossip: ReceiveGossip(gossip); return true;
            case Wire.Write write: ReceiveWrite(write); return true;
            case Wire.Read read: ReceiveRead(read); return true;
            case IReplicaMembershipEvent membership: HandleMembership(membership); return true;
            case GetReplicaCount: Sender.Tell(new ReplicaCount(TotalReplicas)); return true;
            default: return false;
        }
    }

    private bool ReceiveWhileLoading(object message)
    {
        switch (message)
        {
            case DurableLoaded loaded:
                LoadDurable(loaded.Entries);
                _loaded = true;
                Context.Stash.UnstashAll();
                return true;
            case Status.Failure failure:
                // Serving without the durable data would look like an empty registry; fail and let the supervisor retry.
                throw new InvalidOperationException("Loading the durable keys failed.", failure.Cause);
            case DeltaTick or GossipTick or NotifyTick or PruningTick:
                return true;
            default:
                Context.Stash.Stash();
                return true;
        }
    }

    private void HandleGet(Get get)
    {
        var required = get.Consistency.Required(TotalReplicas);
        if (required <= 1)
        {
            ReplyWithLocal(get, Sender);
            return;
        }

        Context.ActorOf(ReadAggregator.Props(get, Sender, PeersForRequest(), required - 1));
    }

    private void HandleReadCompleted(ReadCompleted read)
    {
        if (read.Merged is { } merged)
        {
            MergeIncoming(read.Get.Key.Id, merged, read.Get.Key);
        }

        if (read.Success)
        {
            ReplyWithLocal(read.Get, read.ReplyTo);
        }
        else
        {
            read.ReplyTo.Tell(new GetFailure(read.Get.Key, read.Get.Request), Self);
        }
    }

    private void ReplyWithLocal(Get get, IActorRef replyTo)
    {
        object reply = _data.TryGetValue(get.Key.Id, out var envelope)
            ? envelope.Data is { } data ? new GetSuccess(get.Key, data, get.Request) : new DataDeleted(get.Key, get.Request)
            : new NotFound(get.Key, get.Request);
        replyTo.Tell(reply, Self);
    }

    private void HandleUpdate(Update update)
    {
        var id = update.Key.Id;
        _data.TryGetValue(id, out var envelope);
        if (envelope is { IsDeleted: true })
        {
            Sender.Tell(new DataDeleted(update.Key, update.Request), Self);
            return;
        }

        var current = envelope?.Data ?? update.Initial;
        IReplicatedData modified;
        try
        {
            modified = update.Modify(current);
        }
        catch (Exception e)
        {
            Sender.Tell(new ModifyFailure(update.Key, $"Update of {id} failed: {e.Message}", e, update.Request), Self);
            return;
        }

        if (modified is null || modified.GetType() != current.GetType())
        {
            Sender.Tell(new ModifyFailure(update.Key,
                $"Update of {id} returned {modified?.GetType().Name ?? "null"}, expected {current.GetType().Name}.", null, update.Request), Self);
            return;
        }

        IReplicatedDelta? delta = null;
        if (modified is IDeltaReplicatedData withDelta)
        {
            delta = withDelta.Delta;
            modified = withDelta.ResetDelta();
        }

        var updated = envelope is null ? new DataEnvelope(modified) : envelope.WithData(modified);
        var stored = Put(id, updated, update.Key);
        QueuePropagation(id, delta);
        Replicate(update.Key, updated, update.Consistency, stored, new StoreFailure(update.Key, update.Request),
            reached => new UpdateSuccess(update.Key, reached, update.Request),
            (acks, required) => new UpdateTimeout(update.Key, acks, required, update.Request));
    }

    private void HandleDelete(Delete delete)
    {
        var id = delete.Key.Id;
        if (_data.TryGetValue(id, out var envelope) && envelope.IsDeleted)
        {
            Sender.Tell(new DataDeleted(delete.Key, delete.Request), Self);
            return;
        }

        var tombstone = (envelope ?? new DataEnvelope(null)).WithData(null);
        var stored = Put(id, tombstone, delete.Key);
        QueuePropagation(id, null);
        Replicate(delete.Key, tombstone, delete.Consistency, stored, new StoreFailure(delete.Key, delete.Request),
            reached => new DeleteSuccess(delete.Key, reached, delete.Request),
            (acks, required) => new DeleteTimeout(delete.Key, acks, required, delete.Request));
    }

    private void Replicate(IKey key, DataEnvelope envelope, WriteConsistency consistency, Task<bool>? stored, object storeFailure,
        Func<ConsistencyReached, object> success, Func<int, int, object> timeout)
    {
        var required = consistency.Required(TotalReplicas);
        if (required <= 1)
        {
            DurableReply.After(stored, Sender, success(consistency.OnSuccess), storeFailure, Self);
            return;
        }

        var write = new Wire.Write { Key = key.Id, Envelope = EnvelopeWire.ToWire(envelope) };
        var size = write.CalculateSize();
        if (size > _settings.MaxMessageSize)
        {
            ReplicatorLog.Oversized(Log, key.Id, size, _settings.MaxMessageSize, "direct write");
            DurableReply.After(stored, Sender, timeout(1, required), storeFailure, Self);
            return;
        }

        ReplicatorMetrics.Sent("write", size, _peers.Count);
        Context.ActorOf(WriteAggregator.Props(write, PeersForRequest(), required - 1, consistency.Timeout, Sender,
            () => success(consistency.OnSuccess), acks => timeout(acks, required), stored, storeFailure));
    }

    // Reachable peers first: an aggregator needs only the first answers, and unreachable ones rarely answer.
    private List<IActorRef> PeersForRequest() =>
        _peers.OrderBy(p => _unreachable.Contains(p.Key) ? 1 : 0).Select(p => p.Value).ToList();

    private IEnumerable<KeyValuePair<ReplicaId, IActorRef>> ReachablePeers =>
        _peers.Where(p => !_unreachable.Contains(p.Key));

    /// <summary>
    /// Stores the envelope of <paramref name="id"/>, notes a change for subscribers and writes durable keys; returns the
    /// pending durable write, or null for a key that is not durable.
    /// </summary>
    private Task<bool>? Put(string id, DataEnvelope envelope, IKey? key = null)
    {
        _data.TryGetValue(id, out var previous);
        _data[id] = envelope;
        if (previous is null || previous.IsDeleted != envelope.IsDeleted || !Equals(previous.Data, envelope.Data))
        {
            MarkChanged(id, key);
        }

        return _durableStore is not null && _settings.IsDurable(id) ? StoreDurable(id, envelope) : null;
    }

    private void HandleMembership(IReplicaMembershipEvent membership)
    {
        var replica = membership.Replica;
        if (replica == _self)
        {
            return;
        }

        switch (membership)
        {
            case ReplicaJoined joined when !_removed.ContainsKey(replica):
                _peers[replica] = joined.Replicator;
                _unreachable.Remove(replica);
                ReplicatorLog.Membership(Log, replica.ToString(), "joined", _peers.Count);
                break;
            case ReplicaRemoved:
                _peers.Remove(replica);
                _unreachable.Remove(replica);
                _removed[replica] = _time.GetUtcNow();
                ReplicatorLog.Membership(Log, replica.ToString(), "removed", _peers.Count);
                break;
            case ReplicaUnreachable when _peers.ContainsKey(replica):
                _unreachable.Add(replica);
                break;
            case ReplicaReachable:
                _unreachable.Remove(replica);
                break;
        }
    }

    private sealed record DeltaTick { public static readonly DeltaTick Instance = new(); }

    private sealed record GossipTick { public static readonly GossipTick Instance = new(); }

    private sealed record NotifyTick { public static readonly NotifyTick Instance = new(); }

    private sealed record PruningTick { public static readonly PruningTick Instance = new(); }

    private sealed record DurableLoaded(IReadOnlyDictionary<string, byte[]> Entries);
}
