using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Balancing.Algorithms;

/// <summary>
/// A Maglev lookup table (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer",
/// NSDI 2016, section 3.4) over one candidate set: <see cref="Size"/> slots, each naming a host, filled so that
/// every host owns a share of slots proportional to its weight and a host joining or leaving changes few slots.
/// </summary>
/// <remarks>
/// <para>
/// Built from the hosts sorted by <see cref="UpstreamHost.AffinityId"/> (a hash of pool and host id), never from
/// their order in the candidate array, and with no per-node input: every node holding the same hosts and weights
/// builds the same table, so a key reaches the same host through every node.
/// </para>
/// <para>
/// Each host's preference list is the permutation offset + j × skip (mod <see cref="Size"/>) with offset and skip
/// from its id; the size is prime, so every skip visits every slot. Hosts take turns claiming their next free
/// preferred slot; weights follow Envoy's weighted Maglev: in round r a host of weight w claims a slot only while
/// its count ≤ r × w / max weight, so the heaviest host claims one every round.
/// </para>
/// </remarks>
internal sealed class MaglevTable
{
    /// <summary>
    /// The table size for up to <see cref="LargeTableHosts"/> hosts: the paper's 65,537 (prime). Maglev's
    /// imbalance and its disruption on a change both shrink as size / hosts grows; the paper keeps size ≥ 100 ×
    /// hosts, which 65,537 satisfies up to ~650 hosts with a 256 KB table that builds in 1.5 to 3 ms (the
    /// larger one takes about 35 ms, once per candidate set).
    /// </summary>
    public const int SmallSize = 65_537;

    /// <summary>The paper's larger prime, 655,373, used beyond <see cref="LargeTableHosts"/> hosts (still ≥ 100 × hosts up to 6,500).</summary>
    public const int LargeSize = 655_373;

    /// <summary>Host count above which <see cref="LargeSize"/> is used.</summary>
    public const int LargeTableHosts = 650;

    private readonly int[] _slots;

    public MaglevTable(ImmutableArray<UpstreamHost> candidates)
    {
        var hosts = candidates.ToArray();
        Array.Sort(hosts, static (x, y) => x.AffinityId != y.AffinityId ? x.AffinityId.CompareTo(y.AffinityId) : string.CompareOrdinal(x.Id, y.Id));
        Hosts = hosts;
        Size = hosts.Length > LargeTableHosts ? LargeSize : SmallSize;
        _slots = Fill(hosts, Size);
    }

    /// <summary>The hosts in table order (by affinity id).</summary>
    public UpstreamHost[] Hosts { get; }

    /// <summary>Number of slots (prime).</summary>
    public int Size { get; }

    /// <summary>The host owning <paramref name="slot"/>.</summary>
    public UpstreamHost this[int slot] => Hosts[_slots[slot]];

    /// <summary>The slot a key hash maps to.</summary>
    public int SlotOf(ulong keyHash) => (int)(keyHash % (ulong)Size);

    /// <summary>
    /// The stride of a key's probe sequence (slot, slot + stride, ...): from a second mix of the key hash, in
    /// [1, Size), so the sequence visits every slot before repeating.
    /// </summary>
    public int StrideOf(ulong keyHash) => (int)(Mix(keyHash) % (ulong)(Size - 1)) + 1;

    /// <summary>How many slots each host (in <see cref="Hosts"/> order) owns.</summary>
    public int[] SlotCounts()
    {
        var counts = new int[Hosts.Length];
        foreach (var owner in _slots)
        {
            counts[owner]++;
        }
        return counts;
    }

    private static int[] Fill(UpstreamHost[] hosts, int size)
    {
        var n = hosts.Length;
        var slots = new int[size];
        Array.Fill(slots, -1);
        var next = new int[n];
        var skip = new int[n];
        var claimed = new long[n];
        var weights = new long[n];
        long maxWeight = 1;
        for (var i = 0; i < n; i++)
        {
            var id = hosts[i].AffinityId;
            next[i] = (int)(id % (ulong)size);
            skip[i] = (int)(Mix(id) % (ulong)(size - 1)) + 1;
            weights[i] = Math.Max(hosts[i].Weight, 1);
            maxWeight = Math.Max(maxWeight, weights[i]);
        }

        var filled = 0;
        for (long round = 0; filled < size; round++)
        {
            for (var i = 0; i < n && filled < size; i++)
            {
                // claimed / round > weight / maxWeight: this host is ahead of its share this round.
                if (round * weights[i] < claimed[i] * maxWeight)
                {
                    continue;
                }
                var slot = next[i];
                while (slots[slot] >= 0)
                {
                    slot += skip[i];
                    if (slot >= size)
                    {
                        slot -= size;
                    }
                }
                slots[slot] = i;
                slot += skip[i];
                next[i] = slot >= size ? slot - size : slot;
                claimed[i]++;
                filled++;
            }
        }
        return slots;
    }

    // SplitMix64's finaliser: an independent second hash of an already uniform 64-bit value.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 30;
        x *= 0xbf58476d1ce4e5b9UL;
        x ^= x >> 27;
        x *= 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
