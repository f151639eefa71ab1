using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Hosting;

/// <summary>One endpoint of a <see cref="KestrelListener"/>.</summary>
/// <param name="Name">What it is called (<c>http</c>, <c>http2</c>, <c>https</c>), for <see cref="KestrelListener.UrlFor(string)"/>.</param>
/// <param name="Listener">Address and port.</param>
/// <param name="Protocols">The HTTP versions it speaks.</param>
/// <param name="Tls">Configures TLS on the endpoint (after <see cref="ListenOptions.Protocols"/> is set); null for cleartext.</param>
public sealed record KestrelEndpoint(string Name, ListenerSettings Listener, HttpProtocols Protocols, Action<ListenOptions>? Tls = null);

/// <summary>
/// A bare Kestrel server running one request delegate on one or more endpoints: no configuration files,
/// environment variables, routing or per-request hosting logs, because every one of those costs on the hot path
/// or surprises an operator.
/// </summary>
public sealed class KestrelListener : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<(ListenOptions Options, KestrelEndpoint Endpoint)> _endpoints = [];

    private KestrelListener(WebApplication app) => _app = app;

    /// <summary>The server's services (for the request delegate's dependencies).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Creates a listener; <paramref name="configureServices"/> adds what the delegate needs, <paramref name="limits"/>
    /// (if given) bounds what clients may send; without it the request body is unbounded. The rate limit counts per
    /// real client as <paramref name="clients"/> resolves it (the peer address without it).
    /// </summary>
    public static KestrelListener Create(
        string name,
        IEnumerable<(ListenerSettings Listener, HttpProtocols Protocols)> endpoints,
        ILoggerFactory loggerFactory,
        Action<IServiceCollection> configureServices,
        Func<IServiceProvider, RequestDelegate> handler,
        ProxyLimits? limits = null,
        Forwarding.ClientAddressResolver? clients = null) =>
        Create(name, endpoints.Select(e => new KestrelEndpoint(e.Protocols.ToString(), e.Listener, e.Protocols)), loggerFactory, configureServices, handler, limits, clients);

    /// <summary>Creates a listener on named endpoints, some of them perhaps with TLS; otherwise as above.</summary>
    public static KestrelListener Create(
        string name,
        IEnumerable<KestrelEndpoint> endpoints,
        ILoggerFactory loggerFactory,
        Action<IServiceCollection> configureServices,
        Func<IServiceProvider, RequestDelegate> handler,
        ProxyLimits? limits = null,
        Forwarding.ClientAddressResolver? clients = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = name });
        builder.Services.AddSingleton<ILoggerFactory>(new HostingDiagnosticsMuted(loggerFactory));
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Timeout.InfiniteTimeSpan);
        configureServices(builder.Services);
        if (limits?.RateLimit is { Enabled: true } rate)
        {
            builder.Services.AddRateLimiter(o => ClientRateLimiter.Configure(o, rate, clients ?? new Forwarding.ClientAddressResolver(Forwarding.ClientAddressSettings.None)));
        }

        var captured = new List<(ListenOptions, KestrelEndpoint)>();
        var list = endpoints.ToList();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            if (limits is not null)
            {
                Apply(kestrel.Limits, limits);
            }
            foreach (var endpoint in list)
            {
                kestrel.Listen(ParseBind(endpoint.Listener.Bind), endpoint.Listener.Port, options =>
                {
                    options.Protocols = endpoint.Protocols;
                    endpoint.Tls?.Invoke(options);
                    captured.Add((options, endpoint));
                });
            }
        });

        var app = builder.Build();
        if (limits?.RateLimit is { Enabled: true })
        {
            app.UseRateLimiter();
        }
        app.Run(handler(app.Services));
        var result = new KestrelListener(app);
        result._endpoints.AddRange(captured);
        return result;
    }

    /// <summary>Binds the endpoints and starts accepting.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => _app.StartAsync(cancellation);

    /// <summary>
    /// The bound URL of the endpoint speaking <paramref name="protocols"/> (with the OS-chosen port when the
    /// configured port was 0); valid after <see cref="StartAsync"/>.
    /// </summary>
    public Uri? UrlFor(HttpProtocols protocols) => Find(e => e.Protocols == protocols && e.Tls is null);

    /// <summary>The bound URL (<c>https://</c> for a TLS endpoint) of the endpoint named <paramref name="name"/>; valid after <see cref="StartAsync"/>.</summary>
    public Uri? UrlFor(string name) => Find(e => e.Name == name);

    private Uri? Find(Func<KestrelEndpoint, bool> which)
    {
        foreach (var (options, e) in _endpoints)
        {
            if (which(e) && options.IPEndPoint is { } endpoint)
            {
                var host = endpoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : endpoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : endpoint.Address;
                return new UriBuilder(e.Tls is null ? Uri.UriSchemeHttp : Uri.UriSchemeHttps, host.ToString(), endpoint.Port).Uri;
            }
        }
        return null;
    }

    /// <summary>
    /// Stops accepting connections, lets in-flight requests finish until <paramref name="cancellation"/> fires,
    /// then closes what is left.
    /// </summary>
    public Task StopAsync(CancellationToken cancellation) => _app.StopAsync(cancellation);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static void Apply(KestrelServerLimits kestrel, ProxyLimits limits)
    {
        kestrel.MaxRequestHeadersTotalSize = checked((int)limits.MaxRequestHeadersSize);
        kestrel.MaxRequestBodySize = limits.MaxRequestBodySize > 0 ? limits.MaxRequestBodySize : null;
        kestrel.RequestHeadersTimeout = limits.RequestHeadersTimeout;
        kestrel.MinRequestBodyDataRate = limits.MinRequestBodyRate > 0 ? new MinDataRate(limits.MinRequestBodyRate, limits.MinRequestBodyRateGrace) : null;
        kestrel.KeepAliveTimeout = limits.KeepAliveTimeout;
        kestrel.MaxConcurrentConnections = limits.MaxConcurrentConnections > 0 ? limits.MaxConcurrentConnections : null;
        kestrel.MaxConcurrentUpgradedConnections = kestrel.MaxConcurrentConnections;
    }

    private static IPAddress ParseBind(string bind) =>
        bind is "*" or "" ? IPAddress.Any
        : bind == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(bind, out var address) ? address
        : throw new ArgumentException($"Listen address '{bind}' is not an IP address (use 0.0.0.0, 127.0.0.1, :: or *).", nameof(bind));
}
