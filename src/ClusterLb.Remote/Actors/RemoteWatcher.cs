using ClusterLb.Actors;

namespace ClusterLb.Remote;

/// <summary>
/// Remote death watch bookkeeping on the watching node: which local actors watch which remote actors, per node.
/// When a node's incarnation is quarantined or its address is declared terminated (by the cluster layer), every
/// local watcher of an actor there receives <c>Terminated(ref, ExistenceConfirmed: false, AddressTerminated: true)</c>.
/// </summary>
public sealed class RemoteWatcher
{
    private readonly object _gate = new();
    private readonly Dictionary<NodeAddress, List<Watching>> _byNode = new();
    private readonly RemoteTransport _transport;

    internal RemoteWatcher(RemoteTransport transport) => _transport = transport;

    /// <summary>How many (remote watchee, local watcher) pairs are tracked.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _byNode.Values.Sum(l => l.Count);
            }
        }
    }

    /// <summary>
    /// The node at <paramref name="address"/> is gone (the cluster layer removed or downed it): every local watcher of
    /// an actor there is told now. Watches made later reach whatever runs there then.
    /// </summary>
    public void AddressTerminated(NodeAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        List<Watching>? gone;
        lock (_gate)
        {
            _byNode.Remove(address, out gone);
        }

        NotifyAddressTerminated(gone);
    }

    /// <summary>Records a watch; false (and an immediate notification) when the node's incarnation is already quarantined.</summary>
    internal bool OnWatch(RemoteActorRef watchee, IActorRef watcher)
    {
        var nodeUid = _transport.PeerUid(watchee.Node) ?? 0;
        if (nodeUid != 0 && _transport.IsQuarantined(nodeUid))
        {
            NotifyAddressTerminated([new Watching(watchee, watcher, nodeUid)]);
            return false;
        }

        lock (_gate)
        {
            if (!_byNode.TryGetValue(watchee.Node, out var list))
            {
                _byNode[watchee.Node] = list = [];
            }

            if (!list.Exists(w => w.Watchee.Equals(watchee) && w.Watcher.Equals(watcher)))
            {
                list.Add(new Watching(watchee, watcher, nodeUid));
            }
        }

        return true;
    }

    internal void OnUnwatch(RemoteActorRef watchee, IActorRef watcher)
    {
        lock (_gate)
        {
            if (_byNode.TryGetValue(watchee.Node, out var list))
            {
                list.RemoveAll(w => w.Watchee.Equals(watchee) && w.Watcher.Equals(watcher));
            }
        }
    }

    /// <summary>
    /// A remote actor reported its death to <paramref name="watcher"/>: returns the ref the watcher actually watched
    /// (a path resolved without uid matches any incarnation there), or null when it was not watching it.
    /// </summary>
    internal IActorRef? OnRemoteDeath(NodeAddress node, ActorPath deadPath, IActorRef watcher)
    {
        lock (_gate)
        {
            if (!_byNode.TryGetValue(node, out var list))
            {
                return null;
            }

            var index = list.FindIndex(w => w.Watcher.Equals(watcher) && w.Watchee.Path == deadPath
                && (w.Watchee.Path.Uid == 0 || w.Watchee.Path.Uid == deadPath.Uid));
            if (index < 0)
            {
                return null;
            }

            var watched = list[index].Watchee;
            list.RemoveAt(index);
            return watched;
        }
    }

    /// <summary>A peer incarnation was quarantined: its actors are gone for good.</summary>
    internal void OnQuarantined(UniqueAddress peer)
    {
        List<Watching> gone;
        lock (_gate)
        {
            if (!_byNode.TryGetValue(peer.Address, out var list))
            {
                return;
            }

            // Watches made before any handshake (uid 0) may have been meant for this incarnation: tell them too.
            gone = list.FindAll(w => w.NodeUid == peer.Uid || w.NodeUid == 0);
            list.RemoveAll(w => w.NodeUid == peer.Uid || w.NodeUid == 0);
        }

        NotifyAddressTerminated(gone);
    }

    private static void NotifyAddressTerminated(List<Watching>? gone)
    {
        if (gone is null)
        {
            return;
        }

        foreach (var watching in gone)
        {
            if (watching.Watcher is InternalActorRef watcher)
            {
                watcher.SendSystemMessage(new DeathWatchNotification(watching.Watchee, ExistenceConfirmed: false, AddressTerminated: true));
            }
        }
    }

    private sealed record Watching(RemoteActorRef Watchee, IActorRef Watcher, long NodeUid);
}
