using ClusterLb.Remote.Wire;

namespace ClusterLb.Remote.Handshake;

/// <summary>A handshake failed for a reason worth telling the operator (wrong secret, system name, version, quarantine).</summary>
public sealed class HandshakeRefusedException(RefusalReason reason, string detail, bool refusedByPeer) : Exception(
    refusedByPeer ? $"The peer refused the handshake: {reason}: {detail}" : $"Handshake refused: {reason}: {detail}")
{
    /// <summary>Why.</summary>
    public RefusalReason Reason { get; } = reason;

    /// <summary>The human-readable explanation (also sent to the peer).</summary>
    public string Detail { get; } = detail;

    /// <summary>True when the other side refused us; false when we refused it.</summary>
    public bool RefusedByPeer { get; } = refusedByPeer;
}
