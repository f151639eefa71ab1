namespace ClusterLb.Runtime.Durable;

/// <summary>
/// One stored key: the bytes of its <c>DurableDataEnvelope</c> with the serializer id and manifest that wrote them,
/// so a row is read back by the same serializer even if the serialization bindings change later.
/// </summary>
internal sealed record DurableRow(string Key, int SerializerId, string Manifest, byte[] Payload);
