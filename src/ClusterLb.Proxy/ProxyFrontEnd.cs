using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Admin.Events;
using ClusterLb.Proxy.Admin.Registry;
using ClusterLb.Proxy.Forwarding;
using ClusterLb.Proxy.Hosting;
using ClusterLb.Proxy.Observability;
using ClusterLb.Proxy.Streams;
using System.Net;
using ClusterLb.Proxy.Tls;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy;

/// <summary>
/// The node's HTTP surface: the proxy listener(s) served by YARP's <see cref="IHttpForwarder"/>, and the admin
/// listener. Stopping is two-staged so shutdown can drain the proxy while the admin listener still answers.
/// </summary>
public sealed partial class ProxyFrontEnd : IAsyncDisposable
{
    private readonly ProxySettings _settings;
    private readonly KestrelListener _proxy;
    private readonly KestrelListener _admin;
    private readonly UpstreamClients _upstreams;
    private readonly ProxyMetrics _metrics;
    private readonly MetricsExporter? _exporter;
    private readonly AccessLog? _accessLog;
    private readonly ProxyTracing? _tracing;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _adminStopping;
    private readonly HealthEndpoint _health;
    private readonly IReadOnlyList<IStreamListener> _streams;
    private readonly StreamMetrics _streamMetrics;
    private readonly CertificateStore? _certificates;

    private ProxyFrontEnd(ProxySettings settings, KestrelListener proxy, KestrelListener admin, UpstreamClients upstreams, ProxyMetrics metrics, MetricsExporter? exporter, AccessLog? accessLog, ProxyTracing? tracing, ILogger logger, CancellationTokenSource adminStopping, HealthEndpoint health, IReadOnlyList<IStreamListener> streams, StreamMetrics streamMetrics, CertificateStore? certificates)
    {
        _streams = streams;
        _streamMetrics = streamMetrics;
        _certificates = certificates;
        _health = health;
        _tracing = tracing;
        _accessLog = accessLog;
        _exporter = exporter;
        _adminStopping = adminStopping;
        _settings = settings;
        _proxy = proxy;
        _admin = admin;
        _upstreams = upstreams;
        _metrics = metrics;
        _logger = logger;
    }

    /// <summary>The proxy's HTTP/1.1 URL (valid after <see cref="StartAsync"/>).</summary>
    public Uri HttpUrl => _proxy.UrlFor(HttpName) ?? throw new InvalidOperationException("The proxy listener is not started.");

    /// <summary>The proxy's cleartext HTTP/2 (prior knowledge) URL, null when that listener is off.</summary>
    public Uri? Http2Url => _proxy.UrlFor(Http2Name);

    /// <summary>The proxy's HTTPS URL (<c>https://</c>), null when that listener is off.</summary>
    public Uri? HttpsUrl => _proxy.UrlFor(HttpsName);

    /// <summary>The HTTPS listener's certificates (current table, reload state), null when that listener is off.</summary>
    public CertificateStore? Certificates => _certificates;

    private const string HttpName = "http";
    private const string Http2Name = "http2";
    private const string HttpsName = "https";

    /// <summary>The admin listener's URL (valid after <see cref="StartAsync"/>).</summary>
    public Uri AdminUrl => _admin.UrlFor(HttpProtocols.Http1) ?? throw new InvalidOperationException("The admin listener is not started.");

    /// <summary>The listeners of the TCP and UDP services (<c>protocol = tcp</c> or <c>udp</c>), in configuration order.</summary>
    public IReadOnlyList<IStreamListener> StreamListeners => _streams;

    /// <summary>The bound address of TCP or UDP service <paramref name="service"/> (valid after <see cref="StartAsync"/>).</summary>
    public IPEndPoint StreamEndpoint(string service) =>
        _streams.FirstOrDefault(l => l.ServiceName == service)?.LocalEndPoint ?? throw new ArgumentException($"'{service}' is not a tcp or udp service", nameof(service));

    /// <summary>
    /// Builds the listeners; nothing is bound until <see cref="StartAsync"/>. Without <paramref name="registry"/>
    /// the <c>/api/pools</c> endpoints answer 404; without <paramref name="events"/> so does <c>/events</c>. When
    /// <paramref name="audit"/> is also an <see cref="IAuditSink"/>, registry changes are recorded through it.
    /// <paramref name="meterScope"/> marks this node's meters (the node passes its actor system, whose Runtime
    /// meters carry the same scope), so <c>/metrics</c> shows this node's counts only.
    /// Without <paramref name="health"/> the probes check only the routers and the proxy listener.
    /// </summary>
    public static ProxyFrontEnd Create(
        ProxySettings settings,
        BalancingSettings balancing,
        IReadOnlyDictionary<string, RouteHandle> handles,
        NodeInfo node,
        IStatusSource status,
        ILoggerFactory loggerFactory,
        IAuditSource? audit = null,
        IClusterAdmin? cluster = null,
        IRegistryAdmin? registry = null,
        IAdminEventFeed? events = null,
        INodeHealth? health = null,
        object? meterScope = null)
    {
        var upstreams = UpstreamClients.Create(settings.Upstream, balancing, settings.PreserveHost);
        var accessLog = settings.AccessLog.Enabled ? new AccessLog(settings.AccessLog, loggerFactory.CreateLogger<AccessLog>()) : null;
        var metrics = new ProxyMetrics(handles.Values.ToList(), meterScope, accessLog);
        var clients = new ClientAddressResolver(settings.ClientAddress);
        var tracing = settings.Tracing.Enabled ? new ProxyTracing(settings.Tracing, node.Name, clients) : null;
        var recorder = new RequestRecorder(metrics, clients, accessLog, tracing);
        var exporter = settings.Metrics.Enabled ? new MetricsExporter(settings.Metrics, meterScope) : null;
        var matcher = new ServiceMatcher(balancing.Services.Where(s => s.Protocol == ServiceProtocol.Http), handles);
        var streamMetrics = new StreamMetrics(meterScope);
        var streams = balancing.Services
            .Where(s => s.Protocol != ServiceProtocol.Http)
            .Select(s => s.Protocol == ServiceProtocol.Tcp
                ? (IStreamListener)new TcpProxyListener(s, handles[s.Name], streamMetrics, loggerFactory.CreateLogger<TcpProxyListener>())
                : new UdpProxyListener(s, handles[s.Name], streamMetrics, loggerFactory.CreateLogger<UdpProxyListener>()))
            .ToList();

        var proxyEndpoints = new List<KestrelEndpoint> { new(HttpName, settings.Http, HttpProtocols.Http1) };
        if (settings.Http2 is { } http2)
        {
            proxyEndpoints.Add(new(Http2Name, http2, HttpProtocols.Http2));
        }
        // The certificates load before anything binds: a missing or wrong file stops the start, naming it.
        CertificateStore? certificates = null;
        HttpsRedirect? redirect = null;
        KestrelListener? proxy = null;
        if (settings.Https is { } https)
        {
            certificates = CertificateStore.Load(https, loggerFactory.CreateLogger<CertificateStore>());
            var tlsLogger = loggerFactory.CreateLogger(typeof(HttpsEndpoint).FullName!);
            var store = certificates;
            proxyEndpoints.Add(new(HttpsName, https.Listener, HttpsEndpoint.ProtocolsOf(https.Protocols), o => HttpsEndpoint.Configure(o, https, store, tlsLogger)));
            if (https.RedirectHttp)
            {
                redirect = new HttpsRedirect(() => https.RedirectPort > 0 ? https.RedirectPort : proxy?.UrlFor(HttpsName)?.Port ?? https.Listener.Port);
            }
        }

        proxy = KestrelListener.Create(
            "clusterlb-proxy",
            proxyEndpoints,
            loggerFactory,
            services => services.AddHttpForwarder(),
            sp =>
            {
                var handler = new ProxyRequestHandler(
                    matcher,
                    sp.GetRequiredService<IHttpForwarder>(),
                    upstreams,
                    recorder,
                    clients,
                    sp.GetRequiredService<ILogger<ProxyRequestHandler>>(),
                    redirect);
                // The body is counted around the handler, for the bytes metric and the access log; the request's
                // span (when tracing is on) encloses both.
                RequestDelegate counted = context => ResponseBodyCounter.InvokeAsync(context, handler.InvokeAsync);
                return tracing is null ? counted : context => tracing.ProxyAsync(context, counted);
            },
            settings.Limits,
            clients);

        // Ends open /events streams when the admin listener stops: it waits for every request before it closes.
        var adminStopping = new CancellationTokenSource();
        var probes = new HealthEndpoint(handles.Values.ToList(), health);
        var admin = KestrelListener.Create(
            "clusterlb-admin",
            [(settings.Admin, HttpProtocols.Http1)],
            loggerFactory,
            _ => { },
            sp => Traced(tracing, new AdminEndpoints(
                settings.AdminAccess,
                new StatusEndpoint(node, status, TimeSpan.FromSeconds(5), sp.GetRequiredService<ILogger<StatusEndpoint>>(), registry, () => DescribeListeners(settings, proxy!, certificates, streams)),
                new AuditEndpoint(audit, TimeSpan.FromSeconds(5), sp.GetRequiredService<ILogger<AuditEndpoint>>()),
                new ClusterEndpoint(cluster, TimeSpan.FromSeconds(5), sp.GetRequiredService<ILogger<ClusterEndpoint>>(), registry),
                new RegistryEndpoints(registry, audit as IAuditSink, RegistryEndpointsOptions.Default, sp.GetRequiredService<ILogger<RegistryEndpoints>>()),
                new EventsEndpoint(events, EventsEndpointOptions.Default, adminStopping.Token, sp.GetRequiredService<ILogger<EventsEndpoint>>()),
                exporter,
                probes).InvokeAsync));

        return new ProxyFrontEnd(settings, proxy, admin, upstreams, metrics, exporter, accessLog, tracing, loggerFactory.CreateLogger<ProxyFrontEnd>(), adminStopping, probes, streams, streamMetrics, certificates);
    }

    private static IReadOnlyList<ListenerStatus> DescribeListeners(ProxySettings settings, KestrelListener proxy, CertificateStore? certificates, IReadOnlyList<IStreamListener> streams)
    {
        var listeners = new List<ListenerStatus>
        {
            new(HttpName, proxy.UrlFor(HttpName), ["http/1.1"]) { RedirectsToHttps = settings.Https?.RedirectHttp ?? false },
        };
        if (settings.Http2 is not null)
        {
            listeners.Add(new(Http2Name, proxy.UrlFor(Http2Name), ["h2c"]));
        }
        if (settings.Https is { } https && certificates is not null)
        {
            listeners.Add(new(HttpsName, proxy.UrlFor(HttpsName), [.. https.Protocols.Select(p => p.ToString())])
            {
                MinTlsVersion = https.MinVersion == TlsMinVersion.Tls13 ? "1.3" : "1.2",
                Certificates = certificates.Describe(),
            });
        }
        foreach (var stream in streams)
        {
            var protocol = stream.Protocol.Name();
            listeners.Add(new(stream.ServiceName, BoundUrl(stream, protocol), [protocol]));
        }
        return listeners;
    }

    /// <summary>A TCP or UDP service's bound address as <c>tcp://ip:port</c>; null before it is started.</summary>
    private static Uri? BoundUrl(IStreamListener stream, string scheme)
    {
        try
        {
            var endpoint = stream.LocalEndPoint;
            return new UriBuilder(scheme, endpoint.Address.ToString(), endpoint.Port).Uri;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static RequestDelegate Traced(ProxyTracing? tracing, RequestDelegate admin) =>
        tracing is null ? admin : context => tracing.AdminAsync(context, admin);

    /// <summary>Binds and starts the admin, proxy and TCP/UDP service listeners.</summary>
    public async Task StartAsync(CancellationToken cancellation = default)
    {
        await _admin.StartAsync(cancellation).ConfigureAwait(false);
        await _proxy.StartAsync(cancellation).ConfigureAwait(false);
        foreach (var stream in _streams)
        {
            stream.Start();
        }
        _certificates?.StartWatching();
        _health.ProxyOpen = true;
        LogListening(HttpUrl, Http2Url?.ToString() ?? "off", HttpsUrl?.ToString() ?? "off", AdminUrl);
    }

    /// <summary>
    /// Stops accepting proxy connections and waits for in-flight requests, at most the configured drain
    /// timeout (or until <paramref name="cancellation"/>); requests still running then are aborted.
    /// </summary>
    public async Task StopProxyAsync(CancellationToken cancellation = default)
    {
        using var drain = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        drain.CancelAfter(_settings.DrainTimeout);
        _health.ProxyOpen = false;
        LogDraining(_settings.DrainTimeout);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        await Task.WhenAll(_streams.Select(s => s.StopAsync(drain.Token)).Append(_proxy.StopAsync(drain.Token))).ConfigureAwait(false);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (drain.IsCancellationRequested)
        {
            LogDrainCut(elapsed);
        }
        else
        {
            LogDrained(elapsed);
        }
    }

    /// <summary>Stops the admin listener.</summary>
    public Task StopAdminAsync(CancellationToken cancellation = default)
    {
        _adminStopping.Cancel();
        return _admin.StopAsync(cancellation);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _adminStopping.Cancel();
        foreach (var stream in _streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
        await _proxy.DisposeAsync().ConfigureAwait(false);
        _certificates?.Dispose();
        await _admin.DisposeAsync().ConfigureAwait(false);
        _streamMetrics.Dispose();
        _upstreams.Dispose();
        _exporter?.Dispose();
        _tracing?.Dispose();
        if (_accessLog is not null)
        {
            await _accessLog.DisposeAsync().ConfigureAwait(false);
        }
        _metrics.Dispose();
        _adminStopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy listening on {HttpUrl} (HTTP/1.1), h2c {Http2Url}, https {HttpsUrl}; admin on {AdminUrl}")]
    private partial void LogListening(Uri httpUrl, string http2Url, string httpsUrl, Uri adminUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy stopped accepting; draining in-flight requests for at most {DrainTimeout}")]
    private partial void LogDraining(TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy drained and stopped after {Elapsed}")]
    private partial void LogDrained(TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy stopped after {Elapsed}; requests still running at the drain timeout were aborted")]
    private partial void LogDrainCut(TimeSpan elapsed);
}
