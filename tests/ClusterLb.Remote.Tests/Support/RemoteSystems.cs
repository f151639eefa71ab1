using ClusterLb.Actors;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Remote.Tests.Support;

/// <summary>Starts remoted actor systems on loopback for tests.</summary>
internal static class RemoteSystems
{
    public static async Task<Remoting> StartAsync(RemoteSettings? settings = null, TransportFaults? faults = null, CapturingLoggerProvider? logs = null)
    {
        return await Remoting.StartAsync(settings ?? TestNode.Settings(), new RemotingOptions
        {
            Serializer = new MessageSerializer().Register(TestMessagesReflection.Descriptor),
            Faults = faults ?? new TransportFaults(),
            LoggerFactory = logs,
        });
    }

    /// <summary>The path of <paramref name="name"/> under /user on <paramref name="node"/>, as another node would write it.</summary>
    public static IActorRef RemoteUser(this Remoting from, Remoting node, string name)
        => from.Resolve($"{node.SelfAddress.Address}/user/{name}");

    public static NodeAddress Address(this Remoting remoting) => remoting.SelfAddress.Address;
}
