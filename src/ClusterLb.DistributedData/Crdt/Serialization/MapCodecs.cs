using System.Collections.Immutable;
using P = ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

internal sealed class ORMapCodec<TKey, TValue> : DataCodec<ORMap<TKey, TValue>>
    where TKey : notnull
    where TValue : class, IReplicatedData<TValue>
{
    private readonly ValueCodec<TKey> _keys;
    private readonly DataCodec<TValue> _values;

    public ORMapCodec(ValueCodec<TKey> keys, DataCodec<TValue> values)
    {
        _keys = keys;
        _values = values;
    }

    public override P.DataBody Write(ORMap<TKey, TValue> data, WriteContext context)
    {
        var body = new P.ORMap { VersionVector = VersionVectorWire.Write(data.KeySet.VersionVector, context) };
        foreach (var key in CanonicalOrder.Of(data.KeySet.ElementDots.Keys))
        {
            body.Entries.Add(new P.ORMapEntry
            {
                Key = _keys.Write(key, context),
                Dots = VersionVectorWire.Write(data.KeySet.ElementDots[key], context),
                Value = _values.Write(data.AllValues[key], context),
            });
        }

        foreach (var key in CanonicalOrder.Of(data.AllValues.Keys))
        {
            if (!data.KeySet.Contains(key))
            {
                body.Removed.Add(new P.ORMapValue { Key = _keys.Write(key, context), Value = _values.Write(data.AllValues[key], context) });
            }
        }

        return new P.DataBody { OrMap = body };
    }

    public override ORMap<TKey, TValue> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.OrMap);
        var body = message.OrMap;
        var dots = new List<KeyValuePair<TKey, VersionVector>>(body.Entries.Count);
        var values = ImmutableDictionary.CreateBuilder<TKey, TValue>();
        foreach (var entry in body.Entries)
        {
            var key = ORSetCodec<TKey>.ReadElement(_keys, entry.Key, context);
            if (entry.Value is null)
            {
                throw new ReplicatedDataSerializationException($"ORMap entry '{key}' has no value.");
            }

            if (!values.TryAdd(key, _values.Read(entry.Value, context)))
            {
                throw new ReplicatedDataSerializationException($"ORMap lists key '{key}' twice.");
            }

            dots.Add(new(key, VersionVectorWire.Read(entry.Dots, context, "key dots")));
        }

        foreach (var removed in body.Removed)
        {
            var key = ORSetCodec<TKey>.ReadElement(_keys, removed.Key, context);
            if (removed.Value is null)
            {
                throw new ReplicatedDataSerializationException($"ORMap tombstone '{key}' has no value.");
            }

            if (!values.TryAdd(key, _values.Read(removed.Value, context)))
            {
                throw new ReplicatedDataSerializationException($"ORMap lists key '{key}' twice.");
            }
        }

        return Guard.Valid(() =>
        {
            var keys = ORSet<TKey>.Create(dots, VersionVectorWire.Read(body.VersionVector, context, "ORMap history"));
            return ORMap<TKey, TValue>.Create(keys, values.ToImmutable());
        });
    }
}

internal sealed class ORMapDeltaCodec<TKey, TValue> : DataCodec<ORMapDelta<TKey, TValue>>
    where TKey : notnull
    where TValue : class, IReplicatedData<TValue>
{
    private readonly ValueCodec<TKey> _keys;
    private readonly ORSetDeltaCodec<TKey> _keyDelta;
    private readonly DataCodec<TValue> _values;

    public ORMapDeltaCodec(ValueCodec<TKey> keys, DataCodec<TValue> values)
    {
        _keys = keys;
        _keyDelta = new ORSetDeltaCodec<TKey>(keys);
        _values = values;
    }

    public override P.DataBody Write(ORMapDelta<TKey, TValue> data, WriteContext context)
    {
        var body = new P.ORMapDelta { Keys = _keyDelta.WriteBody(data.Keys, context) };
        foreach (var (key, value) in data.Values)
        {
            body.Values.Add(new P.ORMapValue { Key = _keys.Write(key, context), Value = _values.Write(value, context) });
        }

        return new P.DataBody { OrMapDelta = body };
    }

    public override ORMapDelta<TKey, TValue> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.OrMapDelta);
        var body = message.OrMapDelta;
        var keys = _keyDelta.ReadBody(body.Keys, context);
        var values = ImmutableDictionary.CreateBuilder<TKey, TValue>();
        foreach (var wire in body.Values)
        {
            var key = ORSetCodec<TKey>.ReadElement(_keys, wire.Key, context);
            if (wire.Value is null)
            {
                throw new ReplicatedDataSerializationException($"ORMap delta value for '{key}' is missing.");
            }

            if (!keys.Ops.ContainsKey(key))
            {
                throw new ReplicatedDataSerializationException($"ORMap delta carries a value for '{key}' without an op on the key.");
            }

            if (!values.TryAdd(key, _values.Read(wire.Value, context)))
            {
                throw new ReplicatedDataSerializationException($"ORMap delta lists key '{key}' twice.");
            }
        }

        return new ORMapDelta<TKey, TValue>(keys, values.ToImmutable());
    }
}

/// <summary>A data type that is an ORMap on the wire, told apart only by its type descriptor.</summary>
internal sealed class WrappedCodec<TOuter, TInner> : DataCodec<TOuter>
    where TOuter : class
    where TInner : class
{
    private readonly DataCodec<TInner> _inner;
    private readonly Func<TOuter, TInner> _unwrap;
    private readonly Func<TInner, TOuter> _wrap;

    public WrappedCodec(DataCodec<TInner> inner, Func<TOuter, TInner> unwrap, Func<TInner, TOuter> wrap)
    {
        _inner = inner;
        _unwrap = unwrap;
        _wrap = wrap;
    }

    public override P.DataBody Write(TOuter data, WriteContext context) => _inner.Write(_unwrap(data), context);

    public override TOuter Read(P.DataBody message, ReadContext context) => _wrap(_inner.Read(message, context));
}
