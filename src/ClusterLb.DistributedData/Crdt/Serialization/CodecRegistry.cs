using System.Collections.Concurrent;
using Google.Protobuf;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>Builds (once per closed type) the codec that writes and reads it.</summary>
internal static class CodecRegistry
{
    private static readonly ConcurrentDictionary<Type, DataCodec> DataCodecs = new();
    private static readonly ConcurrentDictionary<Type, object> ValueCodecs = new();

    public static DataCodec ForData(Type type) => DataCodecs.GetOrAdd(type, CreateDataCodec);

    public static object ForValue(Type type) => ValueCodecs.GetOrAdd(type, CreateValueCodec);

    private static object CreateValueCodec(Type type)
    {
        if (type == typeof(string))
        {
            return new StringValueCodec();
        }

        if (type == typeof(ByteString))
        {
            return new BytesValueCodec();
        }

        if (type == typeof(long))
        {
            return new Int64ValueCodec();
        }

        if (typeof(IReplicatedData).IsAssignableFrom(type) && type.IsClass)
        {
            return Create(typeof(NestedDataValueCodec<>), [type], ForData(type));
        }

        throw new ReplicatedDataSerializationException(
            $"Values of type {type} cannot be serialized; use string, Google.Protobuf.ByteString, long or replicated data.");
    }

    private static DataCodec CreateDataCodec(Type type)
    {
        if (type == typeof(GCounter))
        {
            return new GCounterCodec();
        }

        if (type == typeof(PNCounter))
        {
            return new PNCounterCodec();
        }

        if (type == typeof(Flag))
        {
            return new FlagCodec();
        }

        if (type == typeof(VersionVector))
        {
            return new VersionVectorCodec();
        }

        if (!type.IsGenericType)
        {
            throw Unsupported(type);
        }

        var definition = type.GetGenericTypeDefinition();
        var args = type.GetGenericArguments();
        if (definition == typeof(GSet<>))
        {
            return (DataCodec)Create(typeof(GSetCodec<>), args, ForValue(args[0]));
        }

        if (definition == typeof(ORSet<>))
        {
            return (DataCodec)Create(typeof(ORSetCodec<>), args, ForValue(args[0]));
        }

        if (definition == typeof(ORSetDelta<>))
        {
            return (DataCodec)Create(typeof(ORSetDeltaCodec<>), args, ForValue(args[0]));
        }

        if (definition == typeof(LWWRegister<>))
        {
            return (DataCodec)Create(typeof(LWWRegisterCodec<>), args, ForValue(args[0]));
        }

        if (definition == typeof(ORMap<,>))
        {
            return (DataCodec)Create(typeof(ORMapCodec<,>), args, ForValue(args[0]), ForData(args[1]));
        }

        if (definition == typeof(ORMapDelta<,>))
        {
            return (DataCodec)Create(typeof(ORMapDeltaCodec<,>), args, ForValue(args[0]), ForData(args[1]));
        }

        if (definition == typeof(LWWMap<,>))
        {
            return Invoke(nameof(LwwMap), args);
        }

        if (definition == typeof(LWWMapDelta<,>))
        {
            return Invoke(nameof(LwwMapDelta), args);
        }

        if (definition == typeof(PNCounterMap<>))
        {
            return Invoke(nameof(CounterMap), args);
        }

        if (definition == typeof(PNCounterMapDelta<>))
        {
            return Invoke(nameof(CounterMapDelta), args);
        }

        throw Unsupported(type);
    }

    private static DataCodec LwwMap<TKey, TValue>()
        where TKey : notnull =>
        new WrappedCodec<LWWMap<TKey, TValue>, ORMap<TKey, LWWRegister<TValue>>>(
            (DataCodec<ORMap<TKey, LWWRegister<TValue>>>)ForData(typeof(ORMap<TKey, LWWRegister<TValue>>)),
            map => map.Underlying,
            map => new LWWMap<TKey, TValue>(map));

    private static DataCodec LwwMapDelta<TKey, TValue>()
        where TKey : notnull =>
        new WrappedCodec<LWWMapDelta<TKey, TValue>, ORMapDelta<TKey, LWWRegister<TValue>>>(
            (DataCodec<ORMapDelta<TKey, LWWRegister<TValue>>>)ForData(typeof(ORMapDelta<TKey, LWWRegister<TValue>>)),
            delta => delta.Underlying,
            delta => new LWWMapDelta<TKey, TValue>(delta));

    private static DataCodec CounterMap<TKey>()
        where TKey : notnull =>
        new WrappedCodec<PNCounterMap<TKey>, ORMap<TKey, PNCounter>>(
            (DataCodec<ORMap<TKey, PNCounter>>)ForData(typeof(ORMap<TKey, PNCounter>)),
            map => map.Underlying,
            map => new PNCounterMap<TKey>(map));

    private static DataCodec CounterMapDelta<TKey>()
        where TKey : notnull =>
        new WrappedCodec<PNCounterMapDelta<TKey>, ORMapDelta<TKey, PNCounter>>(
            (DataCodec<ORMapDelta<TKey, PNCounter>>)ForData(typeof(ORMapDelta<TKey, PNCounter>)),
            delta => delta.Underlying,
            delta => new PNCounterMapDelta<TKey>(delta));

    private static DataCodec Invoke(string factory, Type[] args) =>
        (DataCodec)typeof(CodecRegistry).GetMethod(factory, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(args).Invoke(null, null)!;

    private static object Create(Type openCodec, Type[] args, params object[] dependencies)
    {
        try
        {
            return Activator.CreateInstance(openCodec.MakeGenericType(args), dependencies)!;
        }
        catch (ArgumentException e)
        {
            throw new ReplicatedDataSerializationException($"No wire format for {openCodec.Name} over {string.Join(", ", args.Select(a => a.Name))}: {e.Message}", e);
        }
    }

    private static ReplicatedDataSerializationException Unsupported(Type type) =>
        new($"Type {type} is not one of ClusterLb's replicated data types and has no wire format.");
}
