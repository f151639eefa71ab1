using System.Collections.Immutable;

namespace ClusterLb.Cluster.Wire;

/// <summary>
/// Compact gossip encoding: every incarnation is written once in a node table and referred to by index, so a
/// member, a seen entry or a reachability row costs a few bytes instead of a full address.
/// </summary>
public static class GossipCodec
{
    /// <summary>Encodes <paramref name="gossip"/>; every node must belong to one actor system.</summary>
    public static WireGossip Encode(Gossip gossip)
    {
        var wire = new WireGossip();
        var index = new Dictionary<UniqueAddress, int>();
        var roleIndex = new Dictionary<string, int>(StringComparer.Ordinal);

        int Node(UniqueAddress node)
        {
            if (index.TryGetValue(node, out var i)) return i;
            if (wire.System.Length == 0) wire.System = node.Address.System;
            i = wire.Nodes.Count;
            wire.Nodes.Add(new WireNodeEntry { Host = node.Address.Host ?? "", Port = node.Address.Port ?? 0, Uid = node.Uid });
            index[node] = i;
            return i;
        }

        int Role(string role)
        {
            if (roleIndex.TryGetValue(role, out var i)) return i;
            i = wire.Roles.Count;
            wire.Roles.Add(role);
            roleIndex[role] = i;
            return i;
        }

        foreach (var m in gossip.Members)
        {
            var wm = new WireMember
            {
                Node = Node(m.UniqueAddress),
                Status = (WireMemberStatus)(int)m.Status,
                UpNumber = m.UpNumber,
                AppVersion = m.AppVersion,
            };
            foreach (var r in m.Roles) wm.Roles.Add(Role(r));
            wire.Members.Add(wm);
        }
        foreach (var s in gossip.SeenBy.OrderBy(n => n)) wire.Seen.Add(Node(s));

        var reachability = gossip.Overview.Reachability;
        foreach (var (observer, version) in reachability.Versions.OrderBy(kv => kv.Key))
        {
            var wr = new WireReachability { Observer = Node(observer), ObserverVersion = version };
            foreach (var r in reachability.Records.Where(r => r.Observer.Equals(observer)))
                wr.Records.Add(new WireReachabilityRecord { Subject = Node(r.Subject), Status = (WireReachabilityStatus)(int)r.Status, Version = r.Version });
            wire.Reachability.Add(wr);
        }
        foreach (var (node, removedAt) in gossip.Tombstones.OrderBy(kv => kv.Key))
            wire.Tombstones.Add(new WireTombstone { Node = Node(node), RemovedAtUnixMs = removedAt });

        var byName = index.ToDictionary(kv => VectorClock.NodeName(kv.Key), kv => kv.Value, StringComparer.Ordinal);
        foreach (var (name, v) in gossip.Version.Versions)
            wire.Version.Add(byName.TryGetValue(name, out var i)
                ? new WireClockEntry { Node = i, Version = v }
                : new WireClockEntry { Node = -1, Name = name, Version = v });
        return wire;
    }

    /// <summary>Decodes a gossip; throws <see cref="WireFormatException"/> for an index out of range or an unknown status.</summary>
    public static Gossip Decode(WireGossip? wire)
    {
        if (wire is null) throw new WireFormatException("gossip is missing");
        if (wire.Nodes.Count > 0 && string.IsNullOrEmpty(wire.System)) throw new WireFormatException("gossip has no system name");
        var nodes = wire.Nodes.Select(n =>
        {
            if (string.IsNullOrEmpty(n.Host) || n.Port is < 0 or > 65535 || n.Uid == 0)
                throw new WireFormatException($"gossip node '{n.Host}:{n.Port}#{n.Uid}' is not a valid incarnation");
            return new UniqueAddress(new Address(Address.DefaultProtocol, wire.System, n.Host, n.Port), n.Uid);
        }).ToArray();

        UniqueAddress Node(int i) => i >= 0 && i < nodes.Length ? nodes[i] : throw new WireFormatException($"gossip node index {i} is out of range (0..{nodes.Length - 1})");
        string Role(int i) => i >= 0 && i < wire.Roles.Count ? wire.Roles[i] : throw new WireFormatException($"gossip role index {i} is out of range");

        var members = wire.Members.Select(m =>
        {
            if (!Enum.IsDefined((MemberStatus)(int)m.Status)) throw new WireFormatException($"unknown member status {(int)m.Status}");
            return Member.Restore(Node(m.Node), (MemberStatus)(int)m.Status, m.Roles.Select(Role), m.UpNumber, m.AppVersion);
        }).ToList();

        var records = new List<ReachabilityRecord>();
        var versions = new Dictionary<UniqueAddress, long>();
        foreach (var r in wire.Reachability)
        {
            var observer = Node(r.Observer);
            versions[observer] = r.ObserverVersion;
            foreach (var rec in r.Records)
            {
                if (!Enum.IsDefined((ReachabilityStatus)(int)rec.Status)) throw new WireFormatException($"unknown reachability status {(int)rec.Status}");
                records.Add(new ReachabilityRecord(observer, Node(rec.Subject), (ReachabilityStatus)(int)rec.Status, rec.Version));
            }
        }
        var overview = new GossipOverview(wire.Seen.Select(Node).ToImmutableHashSet(), Reachability.Create(records, versions));
        var clock = VectorClock.Create(wire.Version.Select(e =>
            new KeyValuePair<string, long>(e.Node >= 0 ? VectorClock.NodeName(Node(e.Node)) : e.Name, e.Version)));
        var tombstones = wire.Tombstones.ToDictionary(t => Node(t.Node), t => t.RemovedAtUnixMs);
        return Gossip.Create(members, overview, clock, tombstones);
    }
}
