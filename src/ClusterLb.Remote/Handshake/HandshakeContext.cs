namespace ClusterLb.Remote.Handshake;

/// <summary>What both handshake roles need to know about this node.</summary>
internal sealed class HandshakeContext(UniqueAddress local, int protocolVersion, HandshakeProof proof, Func<long, bool> isQuarantined)
{
    public UniqueAddress Local { get; } = local;

    public int ProtocolVersion { get; } = protocolVersion;

    public HandshakeProof Proof { get; } = proof;

    /// <summary>True when the uid was quarantined by this node.</summary>
    public Func<long, bool> IsQuarantined { get; } = isQuarantined;
}
