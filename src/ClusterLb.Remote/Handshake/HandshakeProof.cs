using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClusterLb.Remote.Handshake;

/// <summary>
/// Proof of the shared cluster secret: HMAC-SHA256 keyed by the secret over a role label, both nonces and both uids.
/// The role label stops a peer from reflecting our own proof back at us; the nonces make every proof single-use.
/// </summary>
internal sealed class HandshakeProof
{
    public const int NonceSize = 32;
    private const string AcceptorRole = "clusterlb-handshake-acceptor-v1";
    private const string InitiatorRole = "clusterlb-handshake-initiator-v1";
    private readonly byte[] _key;

    public HandshakeProof(string secret) => _key = SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceSize);

    /// <summary>The proof the accepting side sends in its Challenge.</summary>
    public byte[] Acceptor(ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> acceptorNonce, long initiatorUid, long acceptorUid)
        => Compute(AcceptorRole, initiatorNonce, acceptorNonce, initiatorUid, acceptorUid);

    /// <summary>The proof the connecting side sends after verifying the Challenge.</summary>
    public byte[] Initiator(ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> acceptorNonce, long initiatorUid, long acceptorUid)
        => Compute(InitiatorRole, initiatorNonce, acceptorNonce, initiatorUid, acceptorUid);

    public static bool Matches(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual)
        => expected.Length == actual.Length && CryptographicOperations.FixedTimeEquals(expected, actual);

    private byte[] Compute(string role, ReadOnlySpan<byte> initiatorNonce, ReadOnlySpan<byte> acceptorNonce, long initiatorUid, long acceptorUid)
    {
        var roleBytes = Encoding.ASCII.GetBytes(role);
        var input = new byte[roleBytes.Length + initiatorNonce.Length + acceptorNonce.Length + 16];
        var span = input.AsSpan();
        roleBytes.CopyTo(span);
        span = span[roleBytes.Length..];
        initiatorNonce.CopyTo(span);
        span = span[initiatorNonce.Length..];
        acceptorNonce.CopyTo(span);
        span = span[acceptorNonce.Length..];
        BinaryPrimitives.WriteInt64BigEndian(span, initiatorUid);
        BinaryPrimitives.WriteInt64BigEndian(span[8..], acceptorUid);
        return HMACSHA256.HashData(_key, input);
    }
}
