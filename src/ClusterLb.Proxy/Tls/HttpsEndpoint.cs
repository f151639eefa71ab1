using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// Puts TLS on a Kestrel endpoint: each handshake asks the <see cref="CertificateStore"/>'s current table for the
/// certificate of the client's SNI name (reading one reference, so a reload never blocks a handshake), with the
/// configured TLS versions and the ALPN protocols in the configured order. A connection whose handshake fails
/// (garbage, plain HTTP, an old TLS version, silence until the handshake timeout) is closed and logged at Debug,
/// naming the client; other connections are not affected.
/// </summary>
public static partial class HttpsEndpoint
{
    private static readonly SslApplicationProtocol Http10 = new("http/1.0");

    /// <summary>The Kestrel protocols matching the ALPN list (<c>h2</c> and/or <c>http/1.1</c>).</summary>
    public static HttpProtocols ProtocolsOf(IEnumerable<SslApplicationProtocol> alpn)
    {
        var protocols = HttpProtocols.None;
        foreach (var p in alpn)
        {
            protocols |= p == SslApplicationProtocol.Http2 ? HttpProtocols.Http2 : p == SslApplicationProtocol.Http11 ? HttpProtocols.Http1 : HttpProtocols.None;
        }
        return protocols;
    }

    /// <summary>Configures <paramref name="options"/> (whose <see cref="ListenOptions.Protocols"/> is already set).</summary>
    public static void Configure(ListenOptions options, HttpsSettings settings, CertificateStore store, ILogger logger)
    {
        // http/1.0 too, after the configured ones, as nginx accepts it: a client offering only that (curl --http1.0)
        // would otherwise get a no_application_protocol alert.
        var alpn = settings.Protocols.ToList();
        if (alpn.Contains(SslApplicationProtocol.Http11))
        {
            alpn.Add(Http10);
        }
        var versions = settings.SslProtocols;
        var timeout = settings.HandshakeTimeout;
        options.Use(next => async connection =>
        {
            var state = new HandshakeState();
            connection.Features.Set(state);
            await next(connection).ConfigureAwait(false);
            if (!state.Established && logger.IsEnabled(LogLevel.Debug))
            {
                var client = connection.RemoteEndPoint?.ToString() ?? "unknown";
                if (state.HelloSeen)
                {
                    LogHandshakeFailed(logger, client, state.ServerName ?? "", versions);
                }
                else
                {
                    LogNoClientHello(logger, client, timeout);
                }
            }
        });
        options.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = timeout,
            OnConnection = context =>
            {
                if (context.Connection.Features.Get<HandshakeState>() is { } state)
                {
                    state.HelloSeen = true;
                    state.ServerName = context.ClientHelloInfo.ServerName;
                }
                var certificate = store.Current.Select(context.ClientHelloInfo.ServerName);
                return ValueTask.FromResult(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificate.Context,
                    EnabledSslProtocols = versions,
                    ApplicationProtocols = alpn,
                    AllowRenegotiation = false,
                    ClientCertificateRequired = false,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                });
            },
        });
        options.Use(next => connection =>
        {
            if (connection.Features.Get<HandshakeState>() is { } state)
            {
                state.Established = true;
            }
            return next(connection);
        });
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "TLS handshake with {Client} (SNI '{ServerName}') failed and the connection was closed: a malformed ClientHello, no common TLS version (enabled: {Versions}) or cipher, or the client gave up (it may not trust the certificate)")]
    private static partial void LogHandshakeFailed(ILogger logger, string client, string serverName, System.Security.Authentication.SslProtocols versions);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Closed the connection from {Client} before a TLS handshake began: it sent no valid TLS ClientHello (plain HTTP, garbage) or nothing within the handshake timeout ({Timeout})")]
    private static partial void LogNoClientHello(ILogger logger, string client, TimeSpan timeout);

    /// <summary>How far a connection's handshake got, for the log line when it fails.</summary>
    private sealed class HandshakeState
    {
        public bool HelloSeen;
        public bool Established;
        public string? ServerName;
    }
}
