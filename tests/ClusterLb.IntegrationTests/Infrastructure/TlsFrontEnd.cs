using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Proxy.Tls;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A front end with the HTTPS listener on loopback in front of one <see cref="TestBackend"/>, its certificates in a
/// temp directory of its own, and every log line kept with its level.
/// </summary>
internal sealed class TlsFrontEnd : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly ILoggerFactory _loggerFactory;

    private TlsFrontEnd(ProxyFrontEnd frontEnd, TestBackend backend, TempDirectory directory, ILoggerFactory loggerFactory, LevelRecorder logs)
    {
        FrontEnd = frontEnd;
        Backend = backend;
        _directory = directory;
        _loggerFactory = loggerFactory;
        Logs = logs;
    }

    public ProxyFrontEnd FrontEnd { get; }

    public TestBackend Backend { get; }

    public LevelRecorder Logs { get; }

    public CertificateStore Store => FrontEnd.Certificates!;

    public int HttpsPort => FrontEnd.HttpsUrl!.Port;

    /// <summary>A fresh temp directory for certificate files (removed with the front end when passed to <see cref="StartAsync"/>).</summary>
    public static TempDirectory NewDirectory() => TempDirectory.Create();

    /// <summary>Starts a front end whose HTTPS listener serves <paramref name="https"/>; <paramref name="directory"/> is removed on dispose.</summary>
    public static async Task<TlsFrontEnd> StartAsync(ITestOutputHelper output, TempDirectory directory, HttpsSettings https, bool http2 = false)
    {
        var backend = await TestBackend.StartAsync("b1");
        var logs = new LevelRecorder(output);
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        try
        {
            var live = new UpstreamHost("web", "main", new HostSettings("b1", backend.Url), PassiveHealthSettings.Default, NoSink.Instance);
            var handle = new RouteHandle("web");
            handle.Publish(new RoutingSnapshot("web", 1, [new PoolRoute("main", 0, new RoundRobinPolicy(), [live], [live])]));
            var balancing = new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [])]);
            var settings = ProxySettings.Loopback with { Http2 = http2 ? ProxySettings.Loopback.Http2 : null };
            settings = settings with { Https = https };
            var frontEnd = ProxyFrontEnd.Create(settings, balancing, new Dictionary<string, RouteHandle> { ["web"] = handle },
                new NodeInfo("tls-node", "0.1.0", DateTimeOffset.UtcNow), new NoStatus(), loggerFactory);
            await frontEnd.StartAsync();
            return new TlsFrontEnd(frontEnd, backend, directory, loggerFactory, logs);
        }
        catch
        {
            loggerFactory.Dispose();
            await backend.DisposeAsync();
            directory.Dispose();
            throw;
        }
    }

    /// <summary>HTTPS settings on a loopback port of the OS's choosing.</summary>
    public static HttpsSettings Settings(params CertificateSource[] certificates) =>
        new(new ListenerSettings("127.0.0.1", 0), [.. certificates], 0, TlsMinVersion.Tls12, [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11])
        {
            ReloadInterval = TimeSpan.Zero,
        };

    public static CertificateSource Source(PemPair pair, params string[] names) => new(pair.CertificatePath, pair.KeyPath, [.. names]);

    /// <summary>
    /// An HTTP client that reaches this listener whatever host its URLs name (SNI and Host are the URL's), counts the
    /// TCP connections it opens and records the subject of each certificate it is shown.
    /// </summary>
    public TlsClient Client(Version? version = null) => new(HttpsPort, version ?? HttpVersion.Version11);

    public async ValueTask DisposeAsync()
    {
        await FrontEnd.DisposeAsync();
        await Backend.DisposeAsync();
        _loggerFactory.Dispose();
        _directory.Dispose();
    }

    private sealed class NoSink : IHostOutcomeSink
    {
        public static readonly NoSink Instance = new();

        public void ReportFailure(UpstreamHost host, in RequestOutcome outcome) { }

        public void ReportRecovery(UpstreamHost host) { }
    }

    private sealed class NoStatus : IStatusSource
    {
        public Task<IReadOnlyList<ServiceStatus>> GetServicesAsync(CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<ServiceStatus>>([]);
    }
}

/// <summary>See <see cref="TlsFrontEnd.Client"/>.</summary>
internal sealed class TlsClient : IDisposable
{
    private readonly HttpClient _client;
    private int _connections;

    public TlsClient(int port, Version version)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            MaxConnectionsPerServer = 1,
            ConnectCallback = async (_, cancellation) =>
            {
                Interlocked.Increment(ref _connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, port, cancellation);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    lock (Subjects)
                    {
                        Subjects.Add(certificate?.Subject ?? "(none)");
                    }
                    return true;
                },
            },
        };
        _client = new HttpClient(handler)
        {
            DefaultRequestVersion = version,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = TimeSpan.FromSeconds(10),
        };
    }

    /// <summary>TCP connections opened so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>The subject of each certificate shown, one per handshake.</summary>
    public List<string> Subjects { get; } = [];

    public Task<HttpResponseMessage> GetAsync(string url) => _client.GetAsync(url);

    public void Dispose() => _client.Dispose();
}

/// <summary>Every log line with its level and category, also written to the test output.</summary>
internal sealed class LevelRecorder(ITestOutputHelper output) : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception? Exception)> Lines { get; } = new();

    private ITestOutputHelper Output => output;

    public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);

    public void Dispose() { }

    public int Count(LogLevel level, string fragment) => Lines.Count(l => l.Level == level && l.Message.Contains(fragment, StringComparison.Ordinal));

    private sealed class Recorder(LevelRecorder owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            owner.Lines.Enqueue((logLevel, category, message, exception));
            if (logLevel >= LogLevel.Information || category.StartsWith("ClusterLb", StringComparison.Ordinal))
            {
                try
                {
                    owner.Output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel,-11} {category.Split('.')[^1]}: {message}{(exception is null ? "" : " " + exception.GetType().Name + ": " + exception.Message)}");
                }
                catch (InvalidOperationException)
                {
                    // The test already finished.
                }
            }
        }
    }
}
