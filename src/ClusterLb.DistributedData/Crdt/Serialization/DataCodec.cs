using P = ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Writes and reads one closed replicated data type as a <see cref="P.DataBody"/> message.</summary>
internal abstract class DataCodec
{
    public abstract P.DataBody WriteUntyped(object data, WriteContext context);

    public abstract object ReadUntyped(P.DataBody message, ReadContext context);
}

/// <inheritdoc />
internal abstract class DataCodec<T> : DataCodec
    where T : class
{
    public abstract P.DataBody Write(T data, WriteContext context);

    public abstract T Read(P.DataBody message, ReadContext context);

    public override P.DataBody WriteUntyped(object data, WriteContext context) => Write((T)data, context);

    public override object ReadUntyped(P.DataBody message, ReadContext context) => Read(message, context);

    protected static P.DataBody.KindOneofCase Expect(P.DataBody message, P.DataBody.KindOneofCase kind) => message.KindCase == kind
        ? kind
        : throw new ReplicatedDataSerializationException($"Expected a {typeof(T).Name} body ({kind}), found {message.KindCase}.");
}
