using Google.Protobuf;
using ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>
/// Protobuf serialization of every replicated data type and delta. A serialized value names its closed type (see
/// <see cref="TypeDescriptor"/>) and carries its own replica table, so it can be read without context.
/// </summary>
public static class ReplicatedDataSerializer
{
    /// <summary>Serializes a replicated value or delta; throws <see cref="ReplicatedDataSerializationException"/> for unsupported types.</summary>
    public static byte[] Serialize(IReplicatedData data) => ToMessage(data).ToByteArray();

    /// <summary>
    /// The exact number of bytes <see cref="Serialize"/> would produce, without producing them. The replicator uses it
    /// to keep gossip and delta messages under the transport's frame limit.
    /// </summary>
    public static int SerializedSize(IReplicatedData data) => ToMessage(data).CalculateSize();

    /// <summary>Reads a value or delta; throws <see cref="ReplicatedDataSerializationException"/> naming what is wrong.</summary>
    public static IReplicatedData Deserialize(ReadOnlySpan<byte> bytes)
    {
        SerializedData message;
        try
        {
            message = SerializedData.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ReplicatedDataSerializationException($"Not a serialized replicated value: {e.Message}", e);
        }

        if (string.IsNullOrEmpty(message.Type))
        {
            throw new ReplicatedDataSerializationException("Serialized replicated value has no type descriptor.");
        }

        if (message.Body is null)
        {
            throw new ReplicatedDataSerializationException($"Serialized {message.Type} has no body.");
        }

        var codec = CodecRegistry.ForData(TypeDescriptor.Parse(message.Type));
        return (IReplicatedData)codec.ReadUntyped(message.Body, new ReadContext(message.Replicas));
    }

    /// <summary>Reads a value or delta of a known type.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> bytes)
        where T : IReplicatedData
    {
        var data = Deserialize(bytes);
        return data is T typed
            ? typed
            : throw new ReplicatedDataSerializationException($"Expected {TypeDescriptor.Format(typeof(T))}, found {TypeDescriptor.Format(data.GetType())}.");
    }

    private static SerializedData ToMessage(IReplicatedData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var type = data.GetType();
        var context = new WriteContext();
        var body = CodecRegistry.ForData(type).WriteUntyped(data, context);
        var message = new SerializedData { Type = TypeDescriptor.Format(type), Body = body };
        foreach (var replica in context.Replicas)
        {
            message.Replicas.Add(new Replica { Address = replica.Address, Uid = replica.Uid });
        }

        return message;
    }
}
