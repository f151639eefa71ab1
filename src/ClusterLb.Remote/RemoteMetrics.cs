using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClusterLb.Remote;

/// <summary>
/// Remoting counters of one transport: exported through the <c>ClusterLb.Remote</c> meter (tagged with the node) and
/// readable per instance, so tests and the status endpoint see this node's numbers only.
/// </summary>
public sealed class RemoteMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "ClusterLb.Remote";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> FramesSentCounter = Meter.CreateCounter<long>("clusterlb.remote.frames.sent");
    private static readonly Counter<long> FramesReceivedCounter = Meter.CreateCounter<long>("clusterlb.remote.frames.received");
    private static readonly Counter<long> DroppedCounter = Meter.CreateCounter<long>("clusterlb.remote.messages.dropped",
        description: "Messages dropped, by reason (oversized, unserializable, queue-full, gated, quarantined, fault-injected, unknown-manifest, non-local-recipient).");
    private static readonly Counter<long> RejectedFramesCounter = Meter.CreateCounter<long>("clusterlb.remote.inbound.frames.rejected",
        description: "Inbound connections closed because of an oversized or malformed frame.");
    private static readonly Counter<long> HandshakesRefusedCounter = Meter.CreateCounter<long>("clusterlb.remote.handshakes.refused");
    private static readonly Counter<long> QuarantinesCounter = Meter.CreateCounter<long>("clusterlb.remote.quarantines");

    private readonly KeyValuePair<string, object?> _node;
    private long _framesSent;
    private long _framesReceived;
    private long _bytesSent;
    private long _bytesReceived;
    private long _droppedOversized;
    private long _droppedUnserializable;
    private long _droppedQueueFull;
    private long _droppedGated;
    private long _droppedQuarantined;
    private long _droppedByFault;
    private long _droppedUnknownManifest;
    private long _droppedNonLocalRecipient;
    private long _inboundFramesRejected;
    private long _handshakesRefused;
    private long _quarantines;

    internal RemoteMetrics(string node) => _node = new("node", node);

    /// <summary>Frames written to sockets.</summary>
    public long FramesSent => Volatile.Read(ref _framesSent);

    /// <summary>Frames read from sockets (after the handshake).</summary>
    public long FramesReceived => Volatile.Read(ref _framesReceived);

    /// <summary>Bytes of frames written to sockets, length prefixes included.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Bytes of frames read from sockets (after the handshake), length prefixes included.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Outbound messages dropped because they exceeded <c>maximum-frame-size</c>.</summary>
    public long DroppedOversized => Volatile.Read(ref _droppedOversized);

    /// <summary>Outbound messages dropped because they were not protobuf messages or failed to serialize.</summary>
    public long DroppedUnserializable => Volatile.Read(ref _droppedUnserializable);

    /// <summary>Outbound messages dropped because the peer's queue was full.</summary>
    public long DroppedQueueFull => Volatile.Read(ref _droppedQueueFull);

    /// <summary>Outbound messages dropped while the peer's address was gated.</summary>
    public long DroppedGated => Volatile.Read(ref _droppedGated);

    /// <summary>Messages dropped because they came from or went to a quarantined uid.</summary>
    public long DroppedQuarantined => Volatile.Read(ref _droppedQuarantined);

    /// <summary>Frames dropped by <see cref="Transport.TransportFaults"/>.</summary>
    public long DroppedByFault => Volatile.Read(ref _droppedByFault);

    /// <summary>Inbound messages dropped because their manifest is not registered.</summary>
    public long DroppedUnknownManifest => Volatile.Read(ref _droppedUnknownManifest);

    /// <summary>Inbound messages dropped because the recipient's address is not this node's.</summary>
    public long DroppedNonLocalRecipient => Volatile.Read(ref _droppedNonLocalRecipient);

    /// <summary>Inbound connections closed for an oversized or malformed frame.</summary>
    public long InboundFramesRejected => Volatile.Read(ref _inboundFramesRejected);

    /// <summary>Handshakes refused, by either side.</summary>
    public long HandshakesRefused => Volatile.Read(ref _handshakesRefused);

    /// <summary>Peer uids quarantined by this node.</summary>
    public long Quarantines => Volatile.Read(ref _quarantines);

    internal void FrameSent(int count = 1)
    {
        Interlocked.Add(ref _framesSent, count);
        FramesSentCounter.Add(count, _node);
    }

    internal void BytesWritten(long count) => Interlocked.Add(ref _bytesSent, count);

    internal void BytesRead(long count) => Interlocked.Add(ref _bytesReceived, count);

    internal void FrameReceived()
    {
        Interlocked.Increment(ref _framesReceived);
        FramesReceivedCounter.Add(1, _node);
    }

    internal void Dropped(DropReason reason)
    {
        ref var field = ref _droppedOversized;
        switch (reason)
        {
            case DropReason.Oversized: field = ref _droppedOversized; break;
            case DropReason.Unserializable: field = ref _droppedUnserializable; break;
            case DropReason.QueueFull: field = ref _droppedQueueFull; break;
            case DropReason.Gated: field = ref _droppedGated; break;
            case DropReason.Quarantined: field = ref _droppedQuarantined; break;
            case DropReason.FaultInjected: field = ref _droppedByFault; break;
            case DropReason.UnknownManifest: field = ref _droppedUnknownManifest; break;
            case DropReason.NonLocalRecipient: field = ref _droppedNonLocalRecipient; break;
            default: throw new UnreachableException();
        }

        Interlocked.Increment(ref field);
        DroppedCounter.Add(1, _node, new("reason", reason.ToTag()));
    }

    internal void InboundFrameRejected()
    {
        Interlocked.Increment(ref _inboundFramesRejected);
        RejectedFramesCounter.Add(1, _node);
    }

    internal void HandshakeRefused()
    {
        Interlocked.Increment(ref _handshakesRefused);
        HandshakesRefusedCounter.Add(1, _node);
    }

    internal void Quarantined()
    {
        Interlocked.Increment(ref _quarantines);
        QuarantinesCounter.Add(1, _node);
    }
}

/// <summary>Why a message was dropped.</summary>
internal enum DropReason
{
    Oversized,
    Unserializable,
    QueueFull,
    Gated,
    Quarantined,
    FaultInjected,
    UnknownManifest,
    NonLocalRecipient,
}

internal static class DropReasonExtensions
{
    public static string ToTag(this DropReason reason) => reason switch
    {
        DropReason.Oversized => "oversized",
        DropReason.Unserializable => "unserializable",
        DropReason.QueueFull => "queue-full",
        DropReason.Gated => "gated",
        DropReason.Quarantined => "quarantined",
        DropReason.FaultInjected => "fault-injected",
        DropReason.UnknownManifest => "unknown-manifest",
        DropReason.NonLocalRecipient => "non-local-recipient",
        _ => "other",
    };
}
