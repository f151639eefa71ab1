using ClusterLb.DistributedData.Crdt;
using ClusterLb.DistributedData.Crdt.Serialization;

namespace ClusterLb.DistributedData.Tests.Properties;

public class SerializationProperties
{
    [Theory]
    [MemberData(nameof(Models.Names), MemberType = typeof(Models))]
    public void Values_and_deltas_round_trip(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: serialization round trip", random =>
        {
            var nodes = Simulation.Nodes(3);
            var states = Simulation.Run(model, random, nodes, random.Next(0, 30));
            foreach (var state in states)
            {
                RoundTrip(state);
                var updated = model.Update(Simulation.Reset(state), nodes[0], random);
                updated = model.Update(updated, nodes[0], random);
                if (updated is IDeltaReplicatedData { Delta: { } delta })
                {
                    RoundTrip(delta);
                }
            }
        });
    }

    internal static void RoundTrip(IReplicatedData data)
    {
        var bytes = ReplicatedDataSerializer.Serialize(data);
        Assert.Equal(bytes.Length, ReplicatedDataSerializer.SerializedSize(data));
        var back = ReplicatedDataSerializer.Deserialize(bytes);
        Assert.Equal(data.GetType(), back.GetType());
        if (!data.Equals(back))
        {
            throw new Xunit.Sdk.XunitException($"Round trip changed the value: {MergeProperties.Describe(data)} -> {MergeProperties.Describe(back)}");
        }
    }
}
