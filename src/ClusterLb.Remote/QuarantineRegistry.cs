using System.Collections.Concurrent;

namespace ClusterLb.Remote;

/// <summary>Peer incarnations this node refuses forever (until this process restarts), keyed by uid.</summary>
internal sealed class QuarantineRegistry
{
    private readonly ConcurrentDictionary<long, NodeAddress> _quarantined = new();

    /// <summary>True when the uid was newly quarantined.</summary>
    public bool Add(UniqueAddress peer) => _quarantined.TryAdd(peer.Uid, peer.Address);

    public bool Contains(long uid) => !_quarantined.IsEmpty && _quarantined.ContainsKey(uid);

    public IReadOnlyCollection<UniqueAddress> Snapshot() => _quarantined.Select(p => new UniqueAddress(p.Value, p.Key)).ToArray();
}
