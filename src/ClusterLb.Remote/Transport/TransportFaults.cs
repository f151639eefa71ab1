using System.Collections.Concurrent;

namespace ClusterLb.Remote.Transport;

/// <summary>
/// Fault injection for partition tests: drops frames between chosen nodes, in either direction, while connections stay up.
/// Blocked system messages are resent after <see cref="Unblock"/>; blocked user messages are lost, as on a real network.
/// </summary>
public sealed class TransportFaults
{
    private readonly ConcurrentDictionary<(NodeAddress From, NodeAddress To), bool> _blockedPairs = new();
    private readonly ConcurrentDictionary<NodeAddress, bool> _isolated = new();
    private volatile bool _any;

    /// <summary>The instance every transport uses unless given its own.</summary>
    public static TransportFaults Shared { get; } = new();

    /// <summary>Drops every frame sent from <paramref name="from"/> to <paramref name="to"/> (one direction).</summary>
    public void Block(NodeAddress from, NodeAddress to)
    {
        _blockedPairs[(from, to)] = true;
        _any = true;
    }

    /// <summary>Drops frames in both directions between two nodes.</summary>
    public void BlockBoth(NodeAddress a, NodeAddress b)
    {
        Block(a, b);
        Block(b, a);
    }

    /// <summary>Undoes <see cref="Block"/> for one direction.</summary>
    public void Unblock(NodeAddress from, NodeAddress to) => _blockedPairs.TryRemove((from, to), out _);

    /// <summary>Undoes <see cref="BlockBoth"/>.</summary>
    public void UnblockBoth(NodeAddress a, NodeAddress b)
    {
        Unblock(a, b);
        Unblock(b, a);
    }

    /// <summary>Isolates a node: every frame to or from it is dropped.</summary>
    public void BlockAll(NodeAddress address)
    {
        _isolated[address] = true;
        _any = true;
    }

    /// <summary>Undoes <see cref="BlockAll"/>.</summary>
    public void UnblockAll(NodeAddress address) => _isolated.TryRemove(address, out _);

    /// <summary>Removes every block that involves <paramref name="address"/>.</summary>
    public void Heal(NodeAddress address)
    {
        UnblockAll(address);
        foreach (var pair in _blockedPairs.Keys)
        {
            if (pair.From == address || pair.To == address)
            {
                _blockedPairs.TryRemove(pair, out _);
            }
        }
    }

    /// <summary>True when a frame from <paramref name="from"/> to <paramref name="to"/> must be dropped.</summary>
    public bool IsBlocked(NodeAddress? from, NodeAddress? to)
    {
        // The common case (no faults configured) costs one volatile read.
        if (!_any || from is null || to is null)
        {
            return false;
        }

        return _isolated.ContainsKey(from) || _isolated.ContainsKey(to) || _blockedPairs.ContainsKey((from, to));
    }
}
