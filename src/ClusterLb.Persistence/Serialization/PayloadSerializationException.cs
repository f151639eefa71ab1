namespace ClusterLb.Persistence.Serialization;

/// <summary>A payload could not be serialized or deserialized; the message says which and why.</summary>
public sealed class PayloadSerializationException : Exception
{
    public PayloadSerializationException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
