using P = ClusterLb.DistributedData.Crdt.Serialization.Proto;

namespace ClusterLb.DistributedData.Crdt.Serialization;

internal sealed class GCounterCodec : DataCodec<GCounter>
{
    public override P.DataBody Write(GCounter data, WriteContext context) => new() { GCounter = WriteBody(data, context) };

    public override GCounter Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.GCounter);
        return ReadBody(message.GCounter, context);
    }

    internal static P.GCounter WriteBody(GCounter data, WriteContext context)
    {
        var body = new P.GCounter();
        foreach (var (node, value) in data.State)
        {
            body.Nodes.Add(context.IndexOf(node));
            body.Values.Add(value);
        }

        return body;
    }

    internal static GCounter ReadBody(P.GCounter? body, ReadContext context)
    {
        if (body is null)
        {
            return GCounter.Empty;
        }

        if (body.Nodes.Count != body.Values.Count)
        {
            throw new ReplicatedDataSerializationException($"GCounter has {body.Nodes.Count} nodes but {body.Values.Count} values.");
        }

        var slots = new KeyValuePair<ReplicaId, ulong>[body.Nodes.Count];
        for (var i = 0; i < slots.Length; i++)
        {
            slots[i] = new(context.Node(body.Nodes[i]), body.Values[i]);
        }

        if (slots.Select(s => s.Key).Distinct().Count() != slots.Length)
        {
            throw new ReplicatedDataSerializationException("GCounter lists a replica twice.");
        }

        return GCounter.Create(slots);
    }
}

internal sealed class PNCounterCodec : DataCodec<PNCounter>
{
    public override P.DataBody Write(PNCounter data, WriteContext context) => new()
    {
        PnCounter = new P.PNCounter
        {
            Increments = GCounterCodec.WriteBody(data.Increments, context),
            Decrements = GCounterCodec.WriteBody(data.Decrements, context),
        },
    };

    public override PNCounter Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.PnCounter);
        return PNCounter.Create(
            GCounterCodec.ReadBody(message.PnCounter.Increments, context),
            GCounterCodec.ReadBody(message.PnCounter.Decrements, context));
    }
}

internal sealed class FlagCodec : DataCodec<Flag>
{
    public override P.DataBody Write(Flag data, WriteContext context) => new() { Flag = new P.Flag { Enabled = data.IsEnabled } };

    public override Flag Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.Flag);
        return message.Flag.Enabled ? Flag.Enabled : Flag.Disabled;
    }
}

internal sealed class VersionVectorCodec : DataCodec<VersionVector>
{
    public override P.DataBody Write(VersionVector data, WriteContext context) => new() { VersionVector = VersionVectorWire.Write(data, context) };

    public override VersionVector Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.VersionVector);
        return VersionVectorWire.Read(message.VersionVector, context, "version vector");
    }
}

internal sealed class LWWRegisterCodec<T> : DataCodec<LWWRegister<T>>
{
    private readonly ValueCodec<T> _values;

    public LWWRegisterCodec(ValueCodec<T> values) => _values = values;

    public override P.DataBody Write(LWWRegister<T> data, WriteContext context) => new()
    {
        LwwRegister = new P.LWWRegister
        {
            Node = context.IndexOf(data.UpdatedBy),
            Timestamp = data.Timestamp,
            Value = _values.Write(data.Value, context),
        },
    };

    public override LWWRegister<T> Read(P.DataBody message, ReadContext context)
    {
        Expect(message, P.DataBody.KindOneofCase.LwwRegister);
        var body = message.LwwRegister;
        if (body.Value is null)
        {
            throw new ReplicatedDataSerializationException("LWWRegister has no value.");
        }

        return new LWWRegister<T>(context.Node(body.Node), _values.Read(body.Value, context), body.Timestamp);
    }
}
