using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ClusterLb.Remote.Associations;
using ClusterLb.Remote.Handshake;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Remote;

/// <summary>
/// A node's remoting endpoint: listens for peers, keeps one outbound <see cref="Association"/> per peer address,
/// authenticates every connection, quarantines peer incarnations and hands received messages to a sink.
/// </summary>
public sealed class RemoteTransport : IAsyncDisposable
{
    private readonly IInboundMessageSink _sink;
    private readonly ConcurrentDictionary<NodeAddress, Association> _associations = new();
    private readonly ConcurrentDictionary<NodeAddress, long> _knownUids = new();
    private readonly ConcurrentDictionary<long, SystemMessageInbox> _inboxes = new();
    private readonly ConcurrentDictionary<InboundConnection, byte> _inbound = new();
    private readonly QuarantineRegistry _quarantine = new();
    private ConnectionListener? _listener;
    private int _state; // 0 new, 1 started, 2 stopped
    private Lazy<Task>? _closing;

    /// <summary>Creates a transport; call <see cref="StartAsync"/> to bind.</summary>
    public RemoteTransport(RemoteSettings settings, IInboundMessageSink sink, MessageSerializer? serializer = null,
        ILoggerFactory? loggerFactory = null, TransportFaults? faults = null)
    {
        Settings = settings.Validate();
        _sink = sink;
        Serializer = serializer ?? new MessageSerializer();
        Logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("ClusterLb.Remote");
        Faults = faults ?? TransportFaults.Shared;
        Uid = NewUid();
        Metrics = new RemoteMetrics("unbound");
        if (string.IsNullOrEmpty(settings.Secret))
        {
            Logger.LogWarning("clusterlb.remote.secret is empty: any peer that knows the system name can join");
        }
    }

    /// <summary>The settings in force.</summary>
    public RemoteSettings Settings { get; }

    /// <summary>This incarnation's uid (random, never 0).</summary>
    public long Uid { get; }

    /// <summary>The advertised address plus uid; valid after <see cref="StartAsync"/>.</summary>
    public UniqueAddress LocalAddress { get; private set; }

    /// <summary>The socket address actually bound.</summary>
    public IPEndPoint? BoundEndPoint { get; private set; }

    /// <summary>This node's counters.</summary>
    public RemoteMetrics Metrics { get; private set; }

    /// <summary>The fault injector consulted for every frame.</summary>
    public TransportFaults Faults { get; }

    /// <summary>The message serializer (register your protobuf messages on it).</summary>
    public MessageSerializer Serializer { get; }

    /// <summary>Raised for every lifecycle event, on transport threads; handlers must be quick and must not throw.</summary>
    public event Action<RemotingEvent>? Events;

    internal ILogger Logger { get; }

    internal HandshakeContext HandshakeContext { get; private set; } = null!;

    /// <summary>Binds the listener and starts accepting peers.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The transport was already started.");
        }

        ConnectionListener listener;
        try
        {
            listener = ConnectionListener.Bind(Settings.Hostname, Settings.Port, Logger);
        }
        catch
        {
            Volatile.Write(ref _state, 0);
            throw;
        }

        _listener = listener;
        BoundEndPoint = listener.EndPoint;
        var publicHost = !string.IsNullOrWhiteSpace(Settings.PublicHostname) ? Settings.PublicHostname
            : listener.IsWildcard ? Dns.GetHostName() : Settings.Hostname;
        var publicPort = Settings.PublicPort != 0 ? Settings.PublicPort : BoundEndPoint.Port;
        LocalAddress = new UniqueAddress(new NodeAddress(Settings.SystemName, publicHost, publicPort), Uid);
        Metrics = new RemoteMetrics(LocalAddress.Address.ToString());
        Delivery = new InboundDelivery(_sink, Serializer, Metrics, Logger, LocalAddress.Address, IsLocalAddress);
        HandshakeContext = new HandshakeContext(LocalAddress, Settings.ProtocolVersion, new HandshakeProof(Settings.Secret), _quarantine.Contains);
        if (listener.IsWildcard && string.IsNullOrWhiteSpace(Settings.PublicHostname))
        {
            Logger.BindAnyWithoutPublicHostname(Settings.Hostname, LocalAddress.Address);
        }

        Logger.Listening(BoundEndPoint, LocalAddress);
        listener.Start((socket, stopping) => InboundConnection.RunAsync(this, socket, stopping));
        return Task.CompletedTask;
    }

    /// <summary>Sends a user message (at-most-once, ordered per peer). Never throws for a bad message: it is logged and dropped.</summary>
    public SendOutcome Send(NodeAddress to, ActorRefData recipient, ActorRefData? sender, object message)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        if (!TrySerialize(recipient, message, out var payload, out var outcome))
        {
            return outcome;
        }

        var frame = new WireFrame { User = new UserEnvelope { Recipient = recipient, Sender = sender, Message = payload } };
        if (!CheckFrameSize(frame, recipient, payload))
        {
            return SendOutcome.DroppedOversized;
        }

        if (IsLocalAddress(to))
        {
            Delivery.User(LocalAddress, frame.User);
            return SendOutcome.DeliveredLocally;
        }

        var association = AssociationFor(to);
        if (association is null)
        {
            return SendOutcome.DroppedStopped;
        }

        var dropped = association.TryEnqueueUser(frame);
        if (dropped is null)
        {
            return SendOutcome.Enqueued;
        }

        Metrics.Dropped(dropped.Value);
        if (dropped == DropReason.QueueFull)
        {
            Logger.QueueFull(to, Settings.OutboundQueueSize, payload.Manifest);
            return SendOutcome.DroppedQueueFull;
        }

        return SendOutcome.DroppedGated;
    }

    /// <summary>
    /// Sends a system message (death watch): numbered, acknowledged and resent across reconnects until the peer
    /// incarnation acknowledges it or is quarantined.
    /// </summary>
    public SendOutcome SendSystem(NodeAddress to, ActorRefData recipient, ActorRefData? sender, object message)
    {
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentNullException.ThrowIfNull(message);
        if (!TrySerialize(recipient, message, out var payload, out var outcome))
        {
            return outcome;
        }

        var envelope = new SystemEnvelope { Recipient = recipient, Sender = sender, Message = payload };
        if (!CheckFrameSize(new WireFrame { System = envelope }, recipient, payload))
        {
            return SendOutcome.DroppedOversized;
        }

        if (IsLocalAddress(to))
        {
            Delivery.System(LocalAddress, envelope);
            return SendOutcome.DeliveredLocally;
        }

        var association = AssociationFor(to);
        if (association is null)
        {
            return SendOutcome.DroppedStopped;
        }

        if (association.TryEnqueueSystem(envelope))
        {
            return SendOutcome.Enqueued;
        }

        var uid = association.PeerUid;
        Logger.SystemBufferOverflow(new UniqueAddress(to, uid), Settings.SystemMessageBufferSize);
        if (uid != 0)
        {
            Quarantine(to, uid, "system message buffer overflow");
        }

        return SendOutcome.DroppedSystemBufferFull;
    }

    /// <summary>
    /// Quarantines one incarnation of a peer: its pending system messages are discarded, its connections closed, and
    /// nothing from or to that uid is accepted again. A new incarnation (new uid) at the same address is unaffected.
    /// </summary>
    /// <returns>True when the uid was not quarantined before.</returns>
    public bool Quarantine(NodeAddress address, long uid, string reason = "quarantined by request")
    {
        ArgumentNullException.ThrowIfNull(address);
        var peer = new UniqueAddress(address, uid);
        if (!_quarantine.Add(peer))
        {
            return false;
        }

        Metrics.Quarantined();
        Logger.Quarantined(peer, reason);
        _inboxes.TryRemove(uid, out _);
        foreach (var association in _associations.Values)
        {
            association.OnQuarantined(uid);
        }

        foreach (var inbound in _inbound.Keys)
        {
            if (inbound.Peer?.Uid == uid)
            {
                inbound.Close();
            }
        }

        Raise(new QuarantinedEvent(peer, reason));
        return true;
    }

    /// <summary>True when this node quarantined the uid.</summary>
    public bool IsQuarantined(long uid) => _quarantine.Contains(uid);

    /// <summary>Every quarantined peer incarnation.</summary>
    public IReadOnlyCollection<UniqueAddress> QuarantinedPeers => _quarantine.Snapshot();

    /// <summary>The uid last seen at <paramref name="address"/> (by handshake in either direction), if any.</summary>
    public long? PeerUid(NodeAddress address) => _knownUids.TryGetValue(address, out var uid) ? uid : null;

    /// <summary>
    /// True when <paramref name="address"/> names this node: its advertised (public) address, or the bound address when
    /// that is a concrete host. Messages to any other address are not for this node.
    /// </summary>
    public bool IsLocalAddress(NodeAddress address)
    {
        var local = LocalAddress.Address;
        if (local is null || address.System != local.System)
        {
            return false;
        }

        if (address.Host == local.Host && address.Port == local.Port)
        {
            return true;
        }

        return BoundEndPoint is not null && address.Port == BoundEndPoint.Port
            && string.Equals(address.Host, Settings.Hostname, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Diagnostics of the outbound association to an address, or null if none exists.</summary>
    public AssociationState? GetAssociationState(NodeAddress address)
        => _associations.TryGetValue(address, out var a) ? new AssociationState(address, a.PeerUid, a.IsConnected, a.IsGated, a.UnackedSystemMessages) : null;

    /// <summary>
    /// Stops listening, closes every connection and association. Idempotent: every call (the owner's, and the one made
    /// when the actor system terminates) completes when the one closing completes.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        var closing = new Lazy<Task>(CloseAsync);
        var winner = Interlocked.CompareExchange(ref _closing, closing, null) ?? closing;
        return new ValueTask(winner.Value);
    }

    private async Task CloseAsync()
    {
        Volatile.Write(ref _state, 2);
        foreach (var inbound in _inbound.Keys)
        {
            inbound.Close();
        }

        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var association in _associations.Values)
        {
            await association.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Test hook: drops the TCP connections to and from an address, as a network failure would.</summary>
    internal void AbortConnections(NodeAddress address)
    {
        if (_associations.TryGetValue(address, out var association))
        {
            association.AbortConnection();
        }

        foreach (var inbound in _inbound.Keys)
        {
            if (inbound.Peer?.Address == address)
            {
                inbound.Close();
            }
        }
    }

    internal FramedConnection CreateConnection(Socket socket)
        => new(socket, LocalAddress.Address, Settings.MaximumFrameSize, Faults, Metrics);

    internal SystemMessageInbox InboxFor(UniqueAddress peer) => _inboxes.GetOrAdd(peer.Uid, static _ => new SystemMessageInbox());

    internal void Register(InboundConnection connection)
    {
        _inbound.TryAdd(connection, 0);

        // A quarantine that raced the handshake must still close the connection.
        if (connection.Peer is { } peer && IsQuarantined(peer.Uid))
        {
            connection.Close();
        }
    }

    internal void Unregister(InboundConnection connection) => _inbound.TryRemove(connection, out _);

    /// <summary>Records the uid seen at an address; a different uid than before means the old incarnation is gone.</summary>
    internal void OnPeerIdentified(UniqueAddress peer)
    {
        while (true)
        {
            if (_knownUids.TryGetValue(peer.Address, out var previous))
            {
                if (previous == peer.Uid)
                {
                    return;
                }

                if (_knownUids.TryUpdate(peer.Address, peer.Uid, previous))
                {
                    Quarantine(peer.Address, previous, $"a new incarnation (uid {peer.Uid}) started at the same address");
                    return;
                }
            }
            else if (_knownUids.TryAdd(peer.Address, peer.Uid))
            {
                return;
            }
        }
    }

    /// <summary>A peer handshook with us: our association to it, if gated, opens (Akka's classic remoting does the same).</summary>
    internal void OnInboundAssociated(NodeAddress peer)
    {
        if (_associations.TryGetValue(peer, out var association))
        {
            association.OpenGate();
        }
    }

    internal InboundDelivery Delivery { get; private set; } = null!;

    internal void ReportRefusal(NodeAddress? peer, EndPoint? endPoint, HandshakeRefusedException refusal)
    {
        Metrics.HandshakeRefused();
        if (refusal.RefusedByPeer)
        {
            Logger.HandshakeRefusedByPeer(peer, endPoint, refusal.Reason, refusal.Detail);
            if (refusal.Reason == RefusalReason.Quarantined && peer is not null)
            {
                ReportThisNodeQuarantined(peer, refusal.Detail);
            }
        }
        else
        {
            Logger.HandshakeRefusedLocally(peer, endPoint, refusal.Reason, refusal.Detail);
        }

        Raise(new HandshakeRefusedEvent(peer, endPoint, refusal.Reason, refusal.Detail, refusal.RefusedByPeer));
    }

    internal void ReportThisNodeQuarantined(NodeAddress by, string detail)
    {
        Logger.ThisNodeQuarantined(LocalAddress, by, detail);
        Raise(new ThisNodeQuarantinedEvent(by, detail));
    }

    internal void ReportRejectedFrame(EndPoint? endPoint, NodeAddress? peer, FrameException violation)
    {
        Metrics.InboundFrameRejected();
        Logger.InboundFrameRejected(endPoint, peer, violation.Violation, violation.Message);
        Raise(new InboundFrameRejectedEvent(endPoint, peer, violation.Violation, violation.Message));
    }

    internal void Raise(RemotingEvent remotingEvent)
    {
        try
        {
            Events?.Invoke(remotingEvent);
        }
        catch (Exception ex)
        {
            Logger.EventHandlerFailed(ex);
        }
    }

    private bool TrySerialize(ActorRefData recipient, object message, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Payload? payload, out SendOutcome outcome)
    {
        if (Volatile.Read(ref _state) != 1)
        {
            payload = null;
            outcome = SendOutcome.DroppedStopped;
            return false;
        }

        if (Serializer.TrySerialize(message, out payload, out var error))
        {
            outcome = SendOutcome.Enqueued;
            return true;
        }

        Metrics.Dropped(DropReason.Unserializable);
        Logger.Unserializable(message.GetType().FullName ?? message.GetType().Name, recipient.Path, error);
        outcome = SendOutcome.DroppedUnserializable;
        return false;
    }

    private bool CheckFrameSize(WireFrame frame, ActorRefData recipient, Payload payload)
    {
        var size = frame.CalculateSize();
        if (size <= Settings.MaximumFrameSize)
        {
            return true;
        }

        Metrics.Dropped(DropReason.Oversized);
        Logger.OversizedOutbound(payload.Manifest, size, recipient.Path, Settings.MaximumFrameSize);
        return false;
    }

    private Association? AssociationFor(NodeAddress to)
    {
        if (_associations.TryGetValue(to, out var existing))
        {
            return existing;
        }

        if (Volatile.Read(ref _state) != 1)
        {
            return null;
        }

        var created = new Association(this, to);
        var winner = _associations.GetOrAdd(to, created);
        if (!ReferenceEquals(winner, created))
        {
            _ = created.DisposeAsync();
        }

        return winner;
    }

    private static long NewUid()
    {
        Span<byte> bytes = stackalloc byte[8];
        long uid;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            uid = BitConverter.ToInt64(bytes);
        }
        while (uid == 0);
        return uid;
    }
}

/// <summary>A snapshot of one outbound association, for diagnostics and tests.</summary>
public sealed record AssociationState(NodeAddress Remote, long PeerUid, bool Connected, bool Gated, int UnackedSystemMessages);
