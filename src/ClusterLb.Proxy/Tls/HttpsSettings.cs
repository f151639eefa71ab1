using System.Collections.Immutable;
using System.Net.Security;
using System.Security.Authentication;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// The HTTPS proxy listener (<c>clusterlb.proxy.https</c>): TLS terminated here, certificates chosen by SNI from
/// PEM files that are reloaded when they change.
/// </summary>
/// <param name="Listener">Address and port.</param>
/// <param name="Certificates">The certificates, in configuration order; at least one.</param>
/// <param name="DefaultCertificate">Index into <paramref name="Certificates"/> of the one a client with no or an unknown SNI name gets.</param>
/// <param name="MinVersion">The oldest TLS version accepted: 1.2 (TLS 1.2 and 1.3) or 1.3.</param>
/// <param name="Protocols">The ALPN protocols offered, in the server's order of preference (<c>h2</c>, <c>http/1.1</c>).</param>
public sealed record HttpsSettings(
    ListenerSettings Listener,
    ImmutableArray<CertificateSource> Certificates,
    int DefaultCertificate,
    TlsMinVersion MinVersion,
    ImmutableArray<SslApplicationProtocol> Protocols)
{
    /// <summary>How long a client has to finish the handshake; a silent or slow one is closed after it.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the PEM files are re-read as well as watched (zero: watched only).</summary>
    public TimeSpan ReloadInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The plain HTTP/1.1 listener answers every request with a 308 to this listener.</summary>
    public bool RedirectHttp { get; init; }

    /// <summary>The port the redirect names; 0 = the port this listener is bound to (say 443 behind a port mapping).</summary>
    public int RedirectPort { get; init; }

    /// <summary>The TLS protocols the listener enables.</summary>
    public SslProtocols SslProtocols => MinVersion == TlsMinVersion.Tls13 ? SslProtocols.Tls13 : SslProtocols.Tls12 | SslProtocols.Tls13;
}

/// <summary>The oldest TLS version a listener accepts.</summary>
public enum TlsMinVersion
{
    /// <summary>TLS 1.2 and 1.3.</summary>
    Tls12,

    /// <summary>TLS 1.3 only.</summary>
    Tls13,
}

/// <summary>
/// One certificate of the HTTPS listener: a PEM certificate file (the leaf first, then any intermediates, as in a
/// <c>fullchain.pem</c>), its PEM private key, and the SNI names it answers.
/// </summary>
/// <param name="Certificate">Path of the PEM certificate (chain) file.</param>
/// <param name="Key">Path of the PEM private key file (PKCS#8, PKCS#1 RSA or SEC1 EC; encrypted PKCS#8 with <see cref="Password"/>).</param>
/// <param name="ServerNames">
/// Names such as <c>a.example</c> or <c>*.b.example</c> (one leftmost label); empty = the certificate's own DNS
/// names (its subject alternative names, else its common name), read again on every reload.
/// </param>
public sealed record CertificateSource(string Certificate, string Key, ImmutableArray<string> ServerNames)
{
    /// <summary>Password of an encrypted private key; empty for none.</summary>
    public string Password { get; init; } = "";

    /// <summary>Where this entry is configured (<c>clusterlb.proxy.https.certificates[0]</c>), for messages.</summary>
    public string ConfigPath { get; init; } = "clusterlb.proxy.https.certificates[0]";

    /// <summary>Where the <c>certificate</c> key was written (<c>file:line:col</c>), when read from a file.</summary>
    public string? CertificateOrigin { get; init; }

    /// <summary>Where the <c>key</c> key was written (<c>file:line:col</c>), when read from a file.</summary>
    public string? KeyOrigin { get; init; }
}
