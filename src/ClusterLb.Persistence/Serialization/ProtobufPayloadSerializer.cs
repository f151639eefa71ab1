using Google.Protobuf;

namespace ClusterLb.Persistence.Serialization;

/// <summary>
/// Serializes events and snapshots as protobuf messages. The stored manifest is the message descriptor's full
/// name, so the type is resolved from the <see cref="MessageTypeRegistry"/> on the way back.
/// </summary>
public sealed class ProtobufPayloadSerializer
{
    /// <summary>Akka's id for its protobuf serializer; kept so the stored <c>identifier</c> column reads the same.</summary>
    public const int SerializerId = 2;

    private readonly MessageTypeRegistry _registry;

    public ProtobufPayloadSerializer(MessageTypeRegistry registry)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
    }

    public MessageTypeRegistry Registry => _registry;

    /// <summary>Serializes a registered protobuf message; anything else is rejected with a clear error.</summary>
    public SerializedPayload Serialize(object payload)
    {
        if (payload is not IMessage message)
        {
            throw new PayloadSerializationException(
                $"Cannot persist a {payload?.GetType().FullName ?? "null"}: payloads must be protobuf messages (Google.Protobuf.IMessage).");
        }

        var manifest = message.Descriptor.FullName;
        if (!_registry.Contains(manifest))
        {
            throw new PayloadSerializationException(
                $"Cannot persist protobuf message '{manifest}': its type is not registered in the MessageTypeRegistry, so it could not be replayed.");
        }

        try
        {
            return new SerializedPayload(SerializerId, manifest, message.ToByteArray());
        }
        catch (Exception e)
        {
            throw new PayloadSerializationException($"Serializing protobuf message '{manifest}' failed: {e.Message}", e);
        }
    }

    /// <summary>Rebuilds a stored payload; unknown serializer ids and manifests fail with the offending value named.</summary>
    public object Deserialize(int serializerId, string manifest, byte[] bytes)
    {
        if (serializerId != SerializerId)
        {
            throw new PayloadSerializationException(
                $"Stored payload uses serializer id {serializerId} (manifest '{manifest}'); only the protobuf serializer ({SerializerId}) is known.");
        }

        if (!_registry.TryGet(manifest, out var descriptor))
        {
            throw new PayloadSerializationException(
                $"Stored payload has manifest '{manifest}', which is not a registered protobuf message type.");
        }

        try
        {
            return descriptor.Parser.ParseFrom(bytes);
        }
        catch (Exception e)
        {
            throw new PayloadSerializationException($"Stored payload of type '{manifest}' could not be parsed: {e.Message}", e);
        }
    }
}
