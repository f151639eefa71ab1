using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Google.Protobuf;

namespace ClusterLb.Remote.Handshake;

/// <summary>
/// The authenticated handshake. Initiator → Hello(version, identity, nonce); acceptor → Challenge(version, identity,
/// nonce, proof) or Refused; initiator → Proof or Refused; acceptor → Accepted or Refused. A refusal names its reason
/// to the other side before the connection closes, so both nodes log why.
/// </summary>
internal static class HandshakeProtocol
{
    /// <summary>Runs the connecting side; returns the peer's identity or throws <see cref="HandshakeRefusedException"/>.</summary>
    public static async Task<UniqueAddress> InitiateAsync(FramedConnection connection, NodeAddress target, HandshakeContext context, CancellationToken cancellationToken)
    {
        connection.Remote = target;
        var nonce = HandshakeProof.NewNonce();
        await connection.SendAsync(new WireFrame
        {
            Hello = new Hello
            {
                ProtocolVersion = context.ProtocolVersion,
                Origin = context.Local.ToWire(),
                Target = target.ToWire(),
                Nonce = ByteString.CopyFrom(nonce),
            },
        }, cancellationToken).ConfigureAwait(false);

        var reply = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (reply.PduCase != WireFrame.PduOneofCase.Challenge)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, $"expected Challenge, received {reply.PduCase}", cancellationToken).ConfigureAwait(false);
        }

        var challenge = reply.Challenge;
        if (challenge.ProtocolVersion != context.ProtocolVersion)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolVersionMismatch,
                $"this node speaks protocol version {context.ProtocolVersion}, the peer {challenge.ProtocolVersion}", cancellationToken).ConfigureAwait(false);
        }

        var peer = UniqueAddress.FromWire(challenge.Origin);
        if (peer is null || challenge.Nonce.Length != HandshakeProof.NonceSize)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, "Challenge lacks the peer's address, uid or nonce", cancellationToken).ConfigureAwait(false);
        }

        if (peer.Value.Address.System != context.Local.Address.System)
        {
            throw await RefuseAsync(connection, RefusalReason.SystemNameMismatch,
                $"this node's system is '{context.Local.Address.System}', the peer's is '{peer.Value.Address.System}'", cancellationToken).ConfigureAwait(false);
        }

        var expected = context.Proof.Acceptor(nonce, challenge.Nonce.Span, context.Local.Uid, peer.Value.Uid);
        if (!HandshakeProof.Matches(expected, challenge.Proof.Span))
        {
            throw await RefuseAsync(connection, RefusalReason.SecretMismatch,
                "the peer's proof of the cluster secret did not verify: clusterlb.remote.secret differs between the nodes", cancellationToken).ConfigureAwait(false);
        }

        if (context.IsQuarantined(peer.Value.Uid))
        {
            throw await RefuseAsync(connection, RefusalReason.Quarantined,
                $"{peer.Value} is quarantined by {context.Local}; that node must restart to get a new uid", cancellationToken).ConfigureAwait(false);
        }

        await connection.SendAsync(new WireFrame
        {
            Proof = new Proof { Proof_ = ByteString.CopyFrom(context.Proof.Initiator(nonce, challenge.Nonce.Span, context.Local.Uid, peer.Value.Uid)) },
        }, cancellationToken).ConfigureAwait(false);

        var verdict = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (verdict.PduCase != WireFrame.PduOneofCase.Accepted)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, $"expected Accepted, received {verdict.PduCase}", cancellationToken).ConfigureAwait(false);
        }

        return peer.Value;
    }

    /// <summary>Runs the accepting side; returns the peer's identity or throws <see cref="HandshakeRefusedException"/>.</summary>
    public static async Task<UniqueAddress> AcceptAsync(FramedConnection connection, HandshakeContext context, CancellationToken cancellationToken)
    {
        var first = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (first.PduCase != WireFrame.PduOneofCase.Hello)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, $"expected Hello, received {first.PduCase}", cancellationToken).ConfigureAwait(false);
        }

        var hello = first.Hello;
        var origin = UniqueAddress.FromWire(hello.Origin);
        connection.Remote = origin?.Address;
        if (hello.ProtocolVersion != context.ProtocolVersion)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolVersionMismatch,
                $"this node speaks protocol version {context.ProtocolVersion}, the peer {hello.ProtocolVersion}", cancellationToken).ConfigureAwait(false);
        }

        if (origin is null || hello.Nonce.Length != HandshakeProof.NonceSize)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, "Hello lacks the peer's address, uid or nonce", cancellationToken).ConfigureAwait(false);
        }

        if (origin.Value.Address.System != context.Local.Address.System)
        {
            throw await RefuseAsync(connection, RefusalReason.SystemNameMismatch,
                $"this node's system is '{context.Local.Address.System}', the peer's is '{origin.Value.Address.System}'", cancellationToken).ConfigureAwait(false);
        }

        if (context.IsQuarantined(origin.Value.Uid))
        {
            throw await RefuseAsync(connection, RefusalReason.Quarantined,
                $"{origin.Value} is quarantined by {context.Local}; that node must restart to get a new uid", cancellationToken).ConfigureAwait(false);
        }

        var nonce = HandshakeProof.NewNonce();
        await connection.SendAsync(new WireFrame
        {
            Challenge = new Challenge
            {
                ProtocolVersion = context.ProtocolVersion,
                Origin = context.Local.ToWire(),
                Nonce = ByteString.CopyFrom(nonce),
                Proof = ByteString.CopyFrom(context.Proof.Acceptor(hello.Nonce.Span, nonce, origin.Value.Uid, context.Local.Uid)),
            },
        }, cancellationToken).ConfigureAwait(false);

        var answer = await ReadAsync(connection, cancellationToken).ConfigureAwait(false);
        if (answer.PduCase != WireFrame.PduOneofCase.Proof)
        {
            throw await RefuseAsync(connection, RefusalReason.ProtocolViolation, $"expected Proof, received {answer.PduCase}", cancellationToken).ConfigureAwait(false);
        }

        var expected = context.Proof.Initiator(hello.Nonce.Span, nonce, origin.Value.Uid, context.Local.Uid);
        if (!HandshakeProof.Matches(expected, answer.Proof.Proof_.Span))
        {
            throw await RefuseAsync(connection, RefusalReason.SecretMismatch,
                "the peer's proof of the cluster secret did not verify: clusterlb.remote.secret differs between the nodes", cancellationToken).ConfigureAwait(false);
        }

        await connection.SendAsync(new WireFrame { Accepted = new Accepted() }, cancellationToken).ConfigureAwait(false);
        return origin.Value;
    }

    /// <summary>Reads a handshake frame; a Refused frame becomes the peer's refusal.</summary>
    private static async Task<WireFrame> ReadAsync(FramedConnection connection, CancellationToken cancellationToken)
    {
        var frame = await connection.ReadAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new IOException("The connection closed during the handshake.");
        if (frame.PduCase == WireFrame.PduOneofCase.Refused)
        {
            throw new HandshakeRefusedException(frame.Refused.Reason, frame.Refused.Detail, refusedByPeer: true);
        }

        return frame;
    }

    /// <summary>Tells the peer why (best effort) and returns the exception to throw.</summary>
    private static async Task<HandshakeRefusedException> RefuseAsync(FramedConnection connection, RefusalReason reason, string detail, CancellationToken cancellationToken)
    {
        try
        {
            await connection.SendAsync(new WireFrame { Refused = new Refused { Reason = reason, Detail = detail } }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            // The peer may already be gone; our own log still records the reason.
        }

        return new HandshakeRefusedException(reason, detail, refusedByPeer: false);
    }
}
