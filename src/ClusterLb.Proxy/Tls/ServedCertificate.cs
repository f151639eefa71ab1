using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// One loaded certificate as the listener serves it: the leaf with its private key, the handshake context built
/// once (the chain the server sends), and the SNI names it answers. Immutable; a reload makes a new one.
/// </summary>
public sealed class ServedCertificate
{
    internal ServedCertificate(CertificateSource source, X509Certificate2 leaf, SslStreamCertificateContext context, ImmutableArray<string> names, string contentHash)
    {
        Source = source;
        Leaf = leaf;
        Context = context;
        Names = names;
        ContentHash = contentHash;
        LoadedAt = DateTimeOffset.UtcNow;
    }

    /// <summary>The configured entry it was loaded from.</summary>
    public CertificateSource Source { get; }

    /// <summary>The leaf certificate, with its private key.</summary>
    public X509Certificate2 Leaf { get; }

    /// <summary>What a handshake presents: the leaf and its intermediates.</summary>
    public SslStreamCertificateContext Context { get; }

    /// <summary>The SNI names (lower case, ASCII; <c>*.x</c> for a wildcard) this certificate is chosen for.</summary>
    public ImmutableArray<string> Names { get; }

    /// <summary>SHA-256 over the certificate and key files as loaded, to tell a changed file from a touched one.</summary>
    public string ContentHash { get; }

    /// <summary>When it was loaded.</summary>
    public DateTimeOffset LoadedAt { get; }

    /// <summary>The leaf's subject, e.g. <c>CN=a.example</c>.</summary>
    public string Subject => Leaf.Subject;

    /// <summary>The leaf's expiry (UTC).</summary>
    public DateTimeOffset NotAfter => new(Leaf.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    /// <summary>The leaf's start of validity (UTC).</summary>
    public DateTimeOffset NotBefore => new(Leaf.NotBefore.ToUniversalTime(), TimeSpan.Zero);
}

/// <summary>A certificate entry that cannot be loaded: which file, and why.</summary>
public sealed class CertificateLoadException : Exception
{
    /// <summary>Creates the exception for <paramref name="source"/>'s certificate file (<paramref name="keyFile"/> false) or key file.</summary>
    public CertificateLoadException(CertificateSource source, bool keyFile, string reason, Exception? inner = null)
        : base(Describe(source, keyFile, reason), inner)
    {
        Entry = source;
        KeyFile = keyFile;
        Reason = reason;
    }

    /// <summary>The entry.</summary>
    public CertificateSource Entry { get; }

    /// <summary>Whether the key file (rather than the certificate file) is at fault.</summary>
    public bool KeyFile { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Reason { get; }

    private static string Describe(CertificateSource source, bool keyFile, string reason)
    {
        var key = $"{source.ConfigPath}.{(keyFile ? "key" : "certificate")}";
        var origin = keyFile ? source.KeyOrigin : source.CertificateOrigin;
        return origin is { Length: > 0 } ? $"{origin}: {key}: {reason}" : $"{key}: {reason}";
    }
}
