using System.Collections.Immutable;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

// Pruning of removed replicas, Akka's protocol simplified:
// 1. max-pruning-dissemination after a replica was removed (time for its last updates to spread), the leader — the
//    lowest replica id among itself and its reachable peers — marks every key that still holds slots of it with
//    PruningInitialized(owner = leader, seen = {leader}).
// 2. The marker spreads with anti-entropy gossip; each replica that merges it adds itself to `seen`.
// 3. Once every known peer has seen it and all are reachable, the leader folds the removed replica's slots into its
//    own (Prune), marks the key PruningPerformed and ships the pruned value as full state in its delta stream.
//    If the leader is itself removed before it finishes, every replica drops its markers and the next leader restarts.
// 4. Every replica merging a performed marker cleans the removed replica's slots out of its own value first, so
//    they cannot come back; markers expire after pruning-marker-time-to-live.
public sealed partial class Replicator
{
    private void RunPruning()
    {
        var now = _time.GetUtcNow();
        RemoveStaleMarkers(now.ToUnixTimeMilliseconds());
        if (!IsLeader || _removed.Count == 0)
        {
            return;
        }

        var allSeen = _unreachable.Count == 0;
        foreach (var (removed, removedAt) in _removed)
        {
            if (now - removedAt < _settings.MaxPruningDissemination)
            {
                continue;
            }

            foreach (var (id, envelope) in _data.ToList())
            {
                if (envelope.Data is not IRemovedNodePruning pruning || !pruning.NeedPruningFrom(removed))
                {
                    continue;
                }

                switch (envelope.Pruning.GetValueOrDefault(removed))
                {
                    case null:
                        Put(id, envelope.WithPruning(removed, new PruningInitialized(_self, ImmutableHashSet.Create(_self))));
                        ReplicatorLog.Pruning(Log, removed.ToString(), id, "initialized");
                        break;
                    case PruningInitialized init when init.Owner == _self && allSeen && _peers.Keys.All(init.Seen.Contains):
                        var pruned = PruningDispatch.Prune(envelope.Data, removed, _self);
                        var expires = now.Add(_settings.PruningMarkerTimeToLive).ToUnixTimeMilliseconds();
                        Put(id, envelope.WithData(pruned).WithPruning(removed, new PruningPerformed(expires)));
                        QueuePropagation(id, null); // re-tagged versions must reach peers as full state, in sequence
                        ReplicatorLog.Pruning(Log, removed.ToString(), id, "performed");
                        break;
                }
            }
        }
    }

    private bool IsLeader => ReachablePeers.All(p => _self.CompareTo(p.Key) < 0);

    // Performed markers expire; markers started by a leader that has itself been removed are dropped by every replica,
    // so the next leader can start afresh (merging keeps the lower owner, which would otherwise keep the dead one).
    private void RemoveStaleMarkers(long nowUnixMs)
    {
        foreach (var (id, envelope) in _data.ToList())
        {
            var cleaned = envelope;
            foreach (var (removed, state) in envelope.Pruning)
            {
                if ((state is PruningPerformed performed && performed.ExpiresUnixMs < nowUnixMs)
                    || (state is PruningInitialized init && _removed.ContainsKey(init.Owner)))
                {
                    cleaned = cleaned.WithoutPruning(removed);
                }
            }

            if (!ReferenceEquals(cleaned, envelope))
            {
                _data[id] = cleaned;
            }
        }
    }
}
