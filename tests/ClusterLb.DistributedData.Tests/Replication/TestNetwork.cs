using ClusterLb.Actors;
using ClusterLb.DistributedData.Crdt;
using Google.Protobuf;

namespace ClusterLb.DistributedData.Tests.Replication;

/// <summary>
/// The in-process "wire" between replicators: every message is encoded to protobuf bytes and decoded again (so no
/// CLR object graph can cross), measured, and dropped while the link between the two replicas is cut.
/// </summary>
public sealed class TestNetwork
{
    private readonly object _gate = new();
    private readonly HashSet<(ReplicaId, ReplicaId)> _cut = new();
    private readonly List<string> _violations = new();
    private int _maxMessageSize;
    private long _messages;
    private long _bytes;
    private long _dropped;

    public int MaxMessageSize { get { lock (_gate) { return _maxMessageSize; } } }

    public long Messages => Interlocked.Read(ref _messages);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Dropped => Interlocked.Read(ref _dropped);

    public IReadOnlyList<string> Violations { get { lock (_gate) { return _violations.ToList(); } } }

    public void Cut(ReplicaId a, ReplicaId b)
    {
        lock (_gate)
        {
            _cut.Add((a, b));
            _cut.Add((b, a));
        }
    }

    /// <summary>Cuts every link between the two sides.</summary>
    public void Partition(IEnumerable<ReplicaId> side1, IEnumerable<ReplicaId> side2)
    {
        var other = side2.ToList();
        foreach (var a in side1)
        {
            foreach (var b in other)
            {
                Cut(a, b);
            }
        }
    }

    public void Heal()
    {
        lock (_gate)
        {
            _cut.Clear();
        }
    }

    public bool IsConnected(ReplicaId from, ReplicaId to)
    {
        lock (_gate)
        {
            return !_cut.Contains((from, to));
        }
    }

    /// <summary>The reference replica <paramref name="from"/> uses to reach <paramref name="to"/>'s replicator.</summary>
    public IActorRef Link(ReplicaId from, ReplicaId to, IActorRef target) => new LinkRef(this, from, to, target);

    internal object? Transmit(object message)
    {
        if (message is not IMessage protobuf)
        {
            lock (_gate)
            {
                _violations.Add($"{message.GetType().FullName} is not a protobuf message");
            }

            return null;
        }

        var bytes = protobuf.ToByteArray();
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes.Length);
        lock (_gate)
        {
            _maxMessageSize = Math.Max(_maxMessageSize, bytes.Length);
        }

        return protobuf.Descriptor.Parser.ParseFrom(bytes);
    }

    /// <summary>A ref that carries messages over the test network; the sender it passes on is the reverse link.</summary>
    private sealed class LinkRef(TestNetwork network, ReplicaId from, ReplicaId to, IActorRef target) : IActorRef
    {
        public ActorPath Path => target.Path;

        public void Tell(object message, IActorRef? sender = null)
        {
            if (!network.IsConnected(from, to))
            {
                Interlocked.Increment(ref network._dropped);
                return;
            }

            if (network.Transmit(message) is not { } copy)
            {
                return;
            }

            target.Tell(copy, sender is null ? null : new LinkRef(network, to, from, sender));
        }

        public bool Equals(IActorRef? other) => other is LinkRef link && link.Path == Path;

        public override bool Equals(object? obj) => Equals(obj as IActorRef);

        public override int GetHashCode() => Path.GetHashCode();
    }
}
