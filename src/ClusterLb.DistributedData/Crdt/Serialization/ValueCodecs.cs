using Google.Protobuf;
using ProtoValue = ClusterLb.DistributedData.Crdt.Serialization.Proto.Value;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Writes and reads one kind of element, key or register value through the value envelope.</summary>
internal abstract class ValueCodec<T>
{
    public abstract ProtoValue Write(T value, WriteContext context);

    public abstract T Read(ProtoValue value, ReadContext context);

    protected static ReplicatedDataSerializationException WrongKind(ProtoValue value, ProtoValue.KindOneofCase expected) =>
        new($"Expected a value of kind {expected}, found {value.KindCase}.");
}

internal sealed class StringValueCodec : ValueCodec<string>
{
    public override ProtoValue Write(string value, WriteContext context) => new() { Text = value };

    public override string Read(ProtoValue value, ReadContext context) =>
        value.KindCase == ProtoValue.KindOneofCase.Text ? value.Text : throw WrongKind(value, ProtoValue.KindOneofCase.Text);
}

internal sealed class BytesValueCodec : ValueCodec<ByteString>
{
    public override ProtoValue Write(ByteString value, WriteContext context) => new() { Bytes = value };

    public override ByteString Read(ProtoValue value, ReadContext context) =>
        value.KindCase == ProtoValue.KindOneofCase.Bytes ? value.Bytes : throw WrongKind(value, ProtoValue.KindOneofCase.Bytes);
}

internal sealed class Int64ValueCodec : ValueCodec<long>
{
    public override ProtoValue Write(long value, WriteContext context) => new() { Int64 = value };

    public override long Read(ProtoValue value, ReadContext context) =>
        value.KindCase == ProtoValue.KindOneofCase.Int64 ? value.Int64 : throw WrongKind(value, ProtoValue.KindOneofCase.Int64);
}

/// <summary>Replicated data nested as a value (a register holding a set, a set of counters).</summary>
internal sealed class NestedDataValueCodec<T> : ValueCodec<T>
    where T : class, IReplicatedData
{
    private readonly DataCodec<T> _codec;

    public NestedDataValueCodec(DataCodec<T> codec) => _codec = codec;

    public override ProtoValue Write(T value, WriteContext context) => new() { Data = _codec.Write(value, context) };

    public override T Read(ProtoValue value, ReadContext context) =>
        value.KindCase == ProtoValue.KindOneofCase.Data ? _codec.Read(value.Data, context) : throw WrongKind(value, ProtoValue.KindOneofCase.Data);
}
