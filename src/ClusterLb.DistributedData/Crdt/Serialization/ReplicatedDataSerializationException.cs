namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Bytes that do not describe a valid replicated value, or a type that has no wire format.</summary>
public sealed class ReplicatedDataSerializationException : Exception
{
    /// <summary>Creates the exception with a message naming what is wrong.</summary>
    public ReplicatedDataSerializationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
