using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Tests.Messages;

namespace ClusterLb.Persistence.Tests.Infrastructure;

internal static class TestRegistry
{
    /// <summary>The test event types, except <see cref="NotRegistered"/>.</summary>
    public static MessageTypeRegistry Create() => new MessageTypeRegistry()
        .Register(CounterIncremented.Descriptor)
        .Register(CounterSnapshot.Descriptor)
        .Register(Google.Protobuf.WellKnownTypes.Int64Value.Descriptor);

    public static ProtobufPayloadSerializer Serializer() => new(Create());
}
