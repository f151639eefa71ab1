namespace ClusterLb.Persistence.Serialization;

/// <summary>A payload as stored: serializer id, manifest (the protobuf message's full name) and bytes.</summary>
public readonly record struct SerializedPayload(int SerializerId, string Manifest, byte[] Bytes);
