using ProtoVersionVector = ClusterLb.DistributedData.Crdt.Serialization.Proto.VersionVector;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Version vectors and dots on the wire.</summary>
internal static class VersionVectorWire
{
    public static ProtoVersionVector Write(VersionVector vector, WriteContext context)
    {
        var message = new ProtoVersionVector();
        foreach (var (node, version) in vector.Versions)
        {
            message.Nodes.Add(context.IndexOf(node));
            message.Versions.Add((ulong)version);
        }

        return message;
    }

    public static VersionVector Read(ProtoVersionVector? message, ReadContext context, string what)
    {
        if (message is null)
        {
            throw new ReplicatedDataSerializationException($"Missing version vector ({what}).");
        }

        if (message.Nodes.Count != message.Versions.Count)
        {
            throw new ReplicatedDataSerializationException(
                $"Version vector ({what}) has {message.Nodes.Count} nodes but {message.Versions.Count} versions.");
        }

        var versions = new KeyValuePair<ReplicaId, long>[message.Nodes.Count];
        for (var i = 0; i < versions.Length; i++)
        {
            var version = message.Versions[i];
            if (version is 0 or > long.MaxValue)
            {
                throw new ReplicatedDataSerializationException($"Version vector ({what}) holds an invalid version {version}.");
            }

            versions[i] = new(context.Node(message.Nodes[i]), (long)version);
        }

        return VersionVector.Create(versions);
    }
}
