using Akka.DistributedData.Durable;
using Akka.Serialization;
using AkkaSerialization = Akka.Serialization.Serialization;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// Turns envelopes into rows and back with the serializer Akka binds to <see cref="DurableDataEnvelope"/>
/// (DData's ReplicatorMessageSerializer, which keeps the performed-pruning markers), as Akka's LMDB store does.
/// Reading goes through the id and manifest stored in the row, so a row written by another serializer still reads.
/// </summary>
internal sealed class DurableEnvelopeCodec
{
    private readonly AkkaSerialization _serialization;
    private readonly Serializer _serializer;

    public DurableEnvelopeCodec(AkkaSerialization serialization)
    {
        _serialization = serialization;
        _serializer = serialization.FindSerializerForType(typeof(DurableDataEnvelope));
    }

    public DurableRow Encode(string key, DurableDataEnvelope envelope) =>
        new(key, _serializer.Identifier, AkkaSerialization.ManifestFor(_serializer, envelope), _serializer.ToBinary(envelope));

    /// <exception cref="InvalidDataException">The row does not hold a readable envelope; the message names the key.</exception>
    public DurableDataEnvelope Decode(DurableRow row)
    {
        object value;
        try
        {
            value = _serialization.Deserialize(row.Payload, row.SerializerId, row.Manifest);
        }
        catch (Exception e)
        {
            throw new InvalidDataException(
                $"row '{row.Key}' (serializer {row.SerializerId}, manifest '{row.Manifest}', {row.Payload.Length} bytes) could not be deserialized: {e.Message}",
                e);
        }

        return value as DurableDataEnvelope ?? throw new InvalidDataException(
            $"row '{row.Key}' (serializer {row.SerializerId}, manifest '{row.Manifest}') holds a {value?.GetType().Name ?? "null"}, not a DurableDataEnvelope");
    }
}
