using System.Collections.Immutable;
using System.Text;

namespace ClusterLb.Cluster.FailureDetection;

/// <summary>
/// Nodes placed on a ring by a stable hash; each node heartbeats the next <c>monitored-by-nr-of-members</c>
/// reachable nodes clockwise. Unreachable nodes on the way are kept (so a dead node stays observed and can
/// become reachable again) but do not count. The hash is FNV-1a over the unique address text, identical in every
/// process, so all nodes agree on the ring.
/// </summary>
public sealed class HeartbeatNodeRing
{
    private readonly ImmutableHashSet<UniqueAddress> _unreachable;
    private readonly int _monitoredBy;

    /// <summary>Builds the ring; <paramref name="self"/> is always on it.</summary>
    public HeartbeatNodeRing(UniqueAddress self, IEnumerable<UniqueAddress> nodes, IEnumerable<UniqueAddress> unreachable, int monitoredByNrOfMembers)
    {
        if (monitoredByNrOfMembers < 1)
            throw new ArgumentOutOfRangeException(nameof(monitoredByNrOfMembers), monitoredByNrOfMembers, "monitored-by-nr-of-members must be at least 1.");
        Self = self;
        _monitoredBy = monitoredByNrOfMembers;
        _unreachable = unreachable.ToImmutableHashSet();
        Ring = nodes.Append(self).Distinct().OrderBy(Hash).ThenBy(n => n).ToImmutableArray();
    }

    /// <summary>This node.</summary>
    public UniqueAddress Self { get; }
    /// <summary>All nodes in ring order.</summary>
    public ImmutableArray<UniqueAddress> Ring { get; }

    /// <summary>The nodes this node heartbeats.</summary>
    public IReadOnlyList<UniqueAddress> MyReceivers => Receivers(Self);

    /// <summary>The nodes that <paramref name="sender"/> heartbeats.</summary>
    public IReadOnlyList<UniqueAddress> Receivers(UniqueAddress sender)
    {
        var start = Ring.IndexOf(sender);
        if (start < 0) return [];
        var result = new List<UniqueAddress>();
        var counted = 0;
        for (var step = 1; step < Ring.Length && counted < _monitoredBy; step++)
        {
            var node = Ring[(start + step) % Ring.Length];
            if (_unreachable.Contains(node))
            {
                if (result.Count < _monitoredBy) result.Add(node);
            }
            else
            {
                result.Add(node);
                counted++;
            }
        }
        return result;
    }

    /// <summary>Stable 32-bit FNV-1a hash of the node's text.</summary>
    public static uint Hash(UniqueAddress node)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(node.ToString()))
        {
            hash ^= b;
            hash *= 16777619u;
        }
        return hash;
    }
}
