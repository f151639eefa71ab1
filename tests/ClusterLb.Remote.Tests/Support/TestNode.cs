using System.Collections.Concurrent;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Tests.Support;

/// <summary>A started transport on a loopback port with a collecting sink, captured logs and events.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(RemoteTransport transport, CollectingSink sink, CapturingLoggerProvider logs, ConcurrentQueue<RemotingEvent> events)
    {
        Transport = transport;
        Sink = sink;
        Logs = logs;
        Events = events;
    }

    public RemoteTransport Transport { get; }

    public CollectingSink Sink { get; }

    public CapturingLoggerProvider Logs { get; }

    public ConcurrentQueue<RemotingEvent> Events { get; }

    public NodeAddress Address => Transport.LocalAddress.Address;

    public long Uid => Transport.LocalAddress.Uid;

    public RemoteMetrics Metrics => Transport.Metrics;

    /// <summary>Settings tuned for tests: OS-assigned port, short timings, a shared secret.</summary>
    public static RemoteSettings Settings(string system = "test", string secret = "s3cret", int port = 0) => new()
    {
        SystemName = system,
        Hostname = "127.0.0.1",
        Port = port,
        Secret = secret,
        HandshakeTimeout = TimeSpan.FromSeconds(3),
        RetryGateClosedFor = TimeSpan.FromMilliseconds(300),
        BackoffMin = TimeSpan.FromMilliseconds(20),
        BackoffMax = TimeSpan.FromMilliseconds(200),
        SystemMessageResendInterval = TimeSpan.FromMilliseconds(200),
    };

    public static async Task<TestNode> StartAsync(RemoteSettings? settings = null, TransportFaults? faults = null)
    {
        var sink = new CollectingSink();
        var logs = new CapturingLoggerProvider();
        var events = new ConcurrentQueue<RemotingEvent>();
        var serializer = new MessageSerializer().Register(TestMessagesReflection.Descriptor);
        var transport = new RemoteTransport(settings ?? Settings(), sink, serializer, logs, faults ?? new TransportFaults());
        transport.Events += events.Enqueue;
        await transport.StartAsync();
        return new TestNode(transport, sink, logs, events);
    }

    public ActorRefData Ref(string name) => new() { Path = $"{Address}/user/{name}" };

    public SendOutcome Tell(TestNode to, object message, string recipient = "echo")
        => Transport.Send(to.Address, to.Ref(recipient), Ref("sender"), message);

    public IEnumerable<T> EventsOf<T>() where T : RemotingEvent => Events.OfType<T>();

    public ValueTask DisposeAsync() => Transport.DisposeAsync();
}
