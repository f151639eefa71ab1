using System.Collections.Immutable;
using ClusterLb.Cluster.Protocol;
using Google.Protobuf;

namespace ClusterLb.Cluster.Wire;

/// <summary>Maps the core's <see cref="IClusterMessage"/>s to their protobuf wire messages and back.</summary>
public static class ClusterMessageCodec
{
    /// <summary>The wire message for <paramref name="message"/>.</summary>
    public static IMessage Encode(IClusterMessage message) => message switch
    {
        InitJoin m => new WireInitJoin { From = Node(m.From) },
        InitJoinAck m => new WireInitJoinAck { From = Node(m.From) },
        InitJoinNack m => new WireInitJoinNack { From = Node(m.From) },
        Protocol.Join m => Join(m),
        Welcome m => new WireWelcome { From = Node(m.From), Gossip = GossipCodec.Encode(m.Gossip) },
        GossipEnvelope m => new WireGossipEnvelope { From = Node(m.From), To = Node(m.To), Gossip = GossipCodec.Encode(m.Gossip) },
        GossipStatus m => Status(m),
        ExitingConfirmed m => new WireExitingConfirmed { Node = Node(m.Node) },
        Heartbeat m => new WireHeartbeat { From = Node(m.From), SequenceNr = m.SequenceNr, CreationTimeMs = m.CreationTimeMs },
        HeartbeatRsp m => new WireHeartbeatRsp { From = Node(m.From), SequenceNr = m.SequenceNr, CreationTimeMs = m.CreationTimeMs },
        _ => throw new ArgumentException($"No wire form for cluster message {message.GetType().Name}.", nameof(message)),
    };

    /// <summary>
    /// The protocol message of a wire message, or null when <paramref name="wire"/> is not a cluster protocol message
    /// (e.g. <see cref="WireLeave"/>). Throws <see cref="WireFormatException"/> when required fields are missing or bad.
    /// </summary>
    public static IClusterMessage? Decode(IMessage wire) => wire switch
    {
        WireInitJoin m => new InitJoin(Node(m.From)),
        WireInitJoinAck m => new InitJoinAck(Node(m.From)),
        WireInitJoinNack m => new InitJoinNack(Node(m.From)),
        WireJoin m => new Protocol.Join(Node(m.Node), m.Roles.ToImmutableSortedSet(StringComparer.Ordinal), m.AppVersion),
        WireWelcome m => new Welcome(Node(m.From), GossipCodec.Decode(m.Gossip)),
        WireGossipEnvelope m => new GossipEnvelope(Node(m.From), Node(m.To), GossipCodec.Decode(m.Gossip)) { ReceivedTimestamp = m.CreatedTimestamp },
        WireGossipStatus m => new GossipStatus(Node(m.From), StatusClock(m)),
        WireExitingConfirmed m => new ExitingConfirmed(Node(m.Node)),
        WireHeartbeat m => new Heartbeat(Node(m.From), m.SequenceNr, m.CreationTimeMs),
        WireHeartbeatRsp m => new HeartbeatRsp(Node(m.From), m.SequenceNr, m.CreationTimeMs),
        _ => null,
    };

    /// <summary>The wire form of one incarnation.</summary>
    public static WireNode Node(UniqueAddress node) => new()
    {
        System = node.Address.System,
        Host = node.Address.Host ?? "",
        Port = node.Address.Port ?? 0,
        Uid = node.Uid,
    };

    /// <summary>The incarnation a wire node names; throws <see cref="WireFormatException"/> when a part is missing.</summary>
    public static UniqueAddress Node(WireNode? wire)
    {
        if (wire is null) throw new WireFormatException("node is missing");
        if (string.IsNullOrEmpty(wire.System) || string.IsNullOrEmpty(wire.Host) || wire.Port is <= 0 or > 65535 || wire.Uid == 0)
            throw new WireFormatException($"node '{wire.System}@{wire.Host}:{wire.Port}#{wire.Uid}' is not a valid incarnation");
        return new UniqueAddress(new Address(Address.DefaultProtocol, wire.System, wire.Host, wire.Port), wire.Uid);
    }

    private static WireJoin Join(Protocol.Join m)
    {
        var w = new WireJoin { Node = Node(m.Node), AppVersion = m.AppVersion };
        w.Roles.AddRange(m.Roles);
        return w;
    }

    // A status is sent every gossip round, so it must stay smaller than the gossip it stands for: each clock entry
    // is written as host, port and uid (the system once) instead of its full name.
    private static WireGossipStatus Status(GossipStatus m)
    {
        var w = new WireGossipStatus { From = Node(m.From), System = m.From.Address.System };
        foreach (var (name, v) in m.Version.Versions)
        {
            if (TryParseNodeName(name, w.System, out var node))
                w.Nodes.Add(new WireClockNode { Host = node.Address.Host, Port = node.Address.Port ?? 0, Uid = node.Uid, Version = v });
            else
                w.Version.Add(new WireClockEntry { Node = -1, Name = name, Version = v });
        }
        return w;
    }

    private static VectorClock StatusClock(WireGossipStatus m)
    {
        var entries = new List<KeyValuePair<string, long>>(m.Nodes.Count + m.Version.Count);
        foreach (var n in m.Nodes)
        {
            if (string.IsNullOrEmpty(m.System) || string.IsNullOrEmpty(n.Host) || n.Port is <= 0 or > 65535 || n.Uid == 0)
                throw new WireFormatException($"gossip status clock node '{n.Host}:{n.Port}#{n.Uid}' is not a valid incarnation");
            entries.Add(new(VectorClock.NodeName(new UniqueAddress(new Address(Address.DefaultProtocol, m.System, n.Host, n.Port), n.Uid)), n.Version));
        }
        foreach (var e in m.Version)
            entries.Add(new(!string.IsNullOrEmpty(e.Name) ? e.Name : throw new WireFormatException("gossip status clock entry has no name"), e.Version));
        return VectorClock.Create(entries);
    }

    // Only a name that formats back to exactly the same text is written compactly, so decoding is lossless.
    private static bool TryParseNodeName(string name, string system, out UniqueAddress node)
    {
        node = null!;
        var hash = name.LastIndexOf('#');
        if (hash <= 0 || !long.TryParse(name.AsSpan(hash + 1), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var uid)) return false;
        try
        {
            var address = Address.Parse(name[..hash]);
            if (address.System != system) return false;
            node = new UniqueAddress(address, uid);
            return VectorClock.NodeName(node) == name;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
