using System.Collections.Immutable;
using P = ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

internal sealed class GSetCodec<T> : DataCodec<GSet<T>>
    where T : notnull
{
    private readonly ValueCodec<T> _elements;

    public GSetCodec(ValueCodec<T> elements) => _elements = elements;

    public override P.DataBody Write(GSet<T> data, WriteContext context)
    {
        var body = new P.GSet();
        foreach (var element in CanonicalOrder.Of(data.Elements))
        {
            body.Elements.Add(_elements.Write(element, context));
        }

        return new P.DataBody { GSet = body };
    }

    public override GSet<T> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.GSet);
        return GSet<T>.Create(message.GSet.Elements.Select(e => _elements.Read(e, context)));
    }
}

internal sealed class ORSetCodec<T> : DataCodec<ORSet<T>>
    where T : notnull
{
    private readonly ValueCodec<T> _elements;

    public ORSetCodec(ValueCodec<T> elements) => _elements = elements;

    public override P.DataBody Write(ORSet<T> data, WriteContext context)
    {
        var body = new P.ORSet { VersionVector = VersionVectorWire.Write(data.VersionVector, context) };
        foreach (var element in CanonicalOrder.Of(data.ElementDots.Keys))
        {
            body.Entries.Add(new P.ORSetEntry { Element = _elements.Write(element, context), Dots = VersionVectorWire.Write(data.ElementDots[element], context) });
        }

        return new P.DataBody { OrSet = body };
    }

    public override ORSet<T> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.OrSet);
        var body = message.OrSet;
        var entries = new List<KeyValuePair<T, VersionVector>>(body.Entries.Count);
        foreach (var entry in body.Entries)
        {
            entries.Add(new(ReadElement(_elements, entry.Element, context), VersionVectorWire.Read(entry.Dots, context, "element dots")));
        }

        return Guard.Valid(() => ORSet<T>.Create(entries, VersionVectorWire.Read(body.VersionVector, context, "ORSet history")));
    }

    internal static TValue ReadElement<TValue>(ValueCodec<TValue> codec, P.Value? value, ReadContext context) =>
        value is null ? throw new ReplicatedDataSerializationException("Missing element or key.") : codec.Read(value, context);
}

internal sealed class ORSetDeltaCodec<T> : DataCodec<ORSetDelta<T>>
    where T : notnull
{
    private readonly ValueCodec<T> _elements;

    public ORSetDeltaCodec(ValueCodec<T> elements) => _elements = elements;

    public override P.DataBody Write(ORSetDelta<T> data, WriteContext context) => new() { OrSetDelta = WriteBody(data, context) };

    public override ORSetDelta<T> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.OrSetDelta);
        return ReadBody(message.OrSetDelta, context);
    }

    internal P.ORSetDelta WriteBody(ORSetDelta<T> data, WriteContext context)
    {
        var body = new P.ORSetDelta { Context = VersionVectorWire.Write(data.Context, context) };
        if (data.ClearedBy is not null)
        {
            body.ClearedBy = VersionVectorWire.Write(data.ClearedBy, context);
        }

        foreach (var (element, op) in data.Ops)
        {
            var wire = new P.ORSetDeltaOp { Element = _elements.Write(element, context) };
            if (op.RemovedBy is not null)
            {
                wire.RemovedBy = VersionVectorWire.Write(op.RemovedBy, context);
            }

            if (op.Added is not null)
            {
                wire.Added = VersionVectorWire.Write(op.Added, context);
            }

            body.Ops.Add(wire);
        }

        return body;
    }

    internal ORSetDelta<T> ReadBody(P.ORSetDelta? body, ReadContext context)
    {
        if (body is null)
        {
            throw new ReplicatedDataSerializationException("Missing ORSet delta.");
        }

        var ops = ImmutableDictionary.CreateBuilder<T, ORSetElementOp>();
        foreach (var wire in body.Ops)
        {
            var element = ORSetCodec<T>.ReadElement(_elements, wire.Element, context);
            var op = new ORSetElementOp(
                wire.RemovedBy is null ? null : VersionVectorWire.Read(wire.RemovedBy, context, "removed-by"),
                wire.Added is null ? null : VersionVectorWire.Read(wire.Added, context, "added dots"));
            if (op.RemovedBy is null && op.Added is null)
            {
                throw new ReplicatedDataSerializationException($"ORSet delta op for '{element}' neither removes nor adds.");
            }

            if (!ops.TryAdd(element, op))
            {
                throw new ReplicatedDataSerializationException($"ORSet delta lists '{element}' twice.");
            }
        }

        return new ORSetDelta<T>(
            body.ClearedBy is null ? null : VersionVectorWire.Read(body.ClearedBy, context, "cleared-by"),
            ops.ToImmutable(),
            VersionVectorWire.Read(body.Context, context, "delta context"));
    }
}

/// <summary>Turns the data types' own validation errors into serialization errors.</summary>
internal static class Guard
{
    public static T Valid<T>(Func<T> build)
    {
        try
        {
            return build();
        }
        catch (ArgumentException e)
        {
            throw new ReplicatedDataSerializationException($"Invalid replicated data: {e.Message}", e);
        }
    }
}
