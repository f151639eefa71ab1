using System.Net;
using System.Reflection;
using Akka;
using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Upstreams;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Runtime.Audit;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Discovery;
using ClusterLb.Runtime.ClusterLoad;
using ClusterLb.Runtime.Events;
using ClusterLb.Runtime.Metrics;
using ClusterLb.Runtime.Registry;
using ClusterLb.Balancing.Registry;
using Microsoft.Extensions.Logging;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// One running node: an Akka.NET cluster member with the balancing actors, and the proxy and admin listeners in
/// front. Shutdown goes through Akka's CoordinatedShutdown: <c>service-unbind</c> stops accepting and drains
/// in-flight requests (bounded by <c>clusterlb.proxy.drain-timeout</c>), <c>service-stop</c> closes the admin
/// listener, the cluster phases leave the cluster gracefully, <c>before-actor-system-terminate</c> records
/// <c>node-stop</c> in the audit log, and the last phase stops the actors.
/// </summary>
public sealed partial class ClusterLbNode : IAsyncDisposable
{
    private readonly ProxyFrontEnd _frontEnd;
    private readonly HealthProbeClients _probes;
    private readonly ILogger _logger;
    private static readonly TimeSpan AuditTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ReplicatorLoadTimeout = TimeSpan.FromSeconds(60);
    private int _disposed;

    private ClusterLbNode(ActorSystem system, ProxyFrontEnd frontEnd, HealthProbeClients probes, IReadOnlyDictionary<string, RouteHandle> handles, ILogger logger)
    {
        System = system;
        _frontEnd = frontEnd;
        _probes = probes;
        Handles = handles;
        _logger = logger;
    }

    /// <summary>ClusterLb's version, from the assembly.</summary>
    public static string Version { get; } =
        typeof(ClusterLbNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>This node's Akka.Cluster address (<c>akka.tcp://clusterlb@host:port</c>), as events and the registry name it.</summary>
    public string ClusterAddress => AkkaCluster.Get(System).SelfAddress.ToString();

    /// <summary>Each service's route handle, by service name.</summary>
    public IReadOnlyDictionary<string, RouteHandle> Handles { get; }

    /// <summary>The proxy's HTTP/1.1 URL.</summary>
    public Uri ProxyUrl => _frontEnd.HttpUrl;

    /// <summary>The proxy's h2c URL, null when that listener is off.</summary>
    public Uri? Http2Url => _frontEnd.Http2Url;

    /// <summary>The bound address of TCP or UDP service <paramref name="service"/>.</summary>
    public System.Net.IPEndPoint StreamEndpoint(string service) => _frontEnd.StreamEndpoint(service);

    /// <summary>The proxy's HTTPS URL, null when that listener is off.</summary>
    public Uri? HttpsUrl => _frontEnd.HttpsUrl;

    /// <summary>The HTTPS listener's certificates, null when that listener is off.</summary>
    public ClusterLb.Proxy.Tls.CertificateStore? Certificates => _frontEnd.Certificates;

    /// <summary>The admin listener's URL (<c>GET /status</c>, <c>GET /api/audit</c>).</summary>
    public Uri AdminUrl => _frontEnd.AdminUrl;

    /// <summary>The replicated registry of pools and hosts: views and admin writes.</summary>
    public IRegistryAdmin Registry { get; private init; } = null!;

    /// <summary>The admin audit log actor.</summary>
    public IActorRef AuditLog { get; private init; } = ActorRefs.Nobody;

    /// <summary>Starts a node; returns once every service can route and the listeners accept connections.</summary>
    /// <remarks>Cancelling <paramref name="cancellation"/> (a signal during start-up) stops what was started and throws.</remarks>
    public static async Task<ClusterLbNode> StartAsync(NodeSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellation = default)
    {
        cancellation.ThrowIfCancellationRequested();
        var logger = loggerFactory.CreateLogger<ClusterLbNode>();
        // Health probes reach each pool as its proxied requests do: the pool's TLS (CA, client certificate, SNI).
        HealthProbeClients probes;
        try
        {
            probes = HealthProbeClients.Create(settings.Balancing, settings.Proxy.Upstream.ConnectTimeout);
        }
        catch (UpstreamTlsException ex)
        {
            throw new NodeStartException($"a pool's upstream TLS cannot be set up: {ex.Message}", ex);
        }
        ActorSystem system;
        try
        {
            system = await NodeActorSystem.StartAsync(settings, loggerFactory).ConfigureAwait(false);
        }
        catch
        {
            probes.Dispose();
            throw;
        }

        ProxyFrontEnd? frontEnd = null;
        IActorRef? recordedStart = null;
        try
        {
            // One log per node: nodes sharing a database must not write the same persistence id. The start waits until
            // its journal answers, and fails with the database's own reason when it cannot.
            IActorRef auditLog;
            try
            {
                auditLog = await Runtime.Audit.AuditLog.StartAsync(system, settings.Name, AuditTimeout, "audit-log", cancellation).ConfigureAwait(false);
            }
            catch (AuditLogUnavailableException ex)
            {
                throw new NodeStartException($"cannot open the audit journal under {Path.GetFullPath(settings.DataDirectory)}: {ex.Message}", ex);
            }

            // The routers follow the registry the replicator holds; the first snapshots below are the registry's
            // (seeded from the configuration where absent).
            var registrySettings = ReadRegistrySettings(settings);
            var replica = RegistryReplica.Of(system);
            try
            {
                await ReplicatorReadiness.WhenReadyAsync(system, replica.Replicator, ReplicatorLoadTimeout).WaitAsync(cancellation).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                throw new NodeStartException($"cannot load the durable registry under {Path.GetFullPath(settings.DataDirectory)}: {ex.Message}", ex);
            }
            var handles = BalancerActor.CreateHandles(settings.Balancing);
            var balancer = system.ActorOf(BalancerActor.Props(settings.Balancing, handles, probes, replica, registrySettings), BalancerActor.Name);
            var registry = new RegistryAdmin(replica, settings.Balancing, registrySettings, balancer);
            await Task.WhenAll(handles.Values.Select(h => h.FirstPublished)).WaitAsync(registrySettings.SeedReadTimeout + TimeSpan.FromSeconds(10), cancellation).ConfigureAwait(false);
            // After the seeding above: discovery writes into pools the registry already holds.
            DiscoverySingleton.Start(system, settings.Balancing, registry);

            var events = system.ActorOf(RegistryEventRelay.Props(), RegistryEventRelay.Name);
            if (settings.ClusterLoad.Enabled)
            {
                system.ActorOf(ClusterLoadActor.Props(settings.ClusterLoad, handles), ClusterLoadActor.Name);
            }
            var cluster = AkkaCluster.Get(system);
            var node = new NodeInfo(settings.Name, Version, DateTimeOffset.UtcNow);
            // The actor system is the scope of this node's meters: the Runtime's (created here, so the cluster
            // gauges exist from the first scrape) and the proxy's.
            RuntimeMetrics.Get(system);
            try
            {
                frontEnd = ProxyFrontEnd.Create(
                    settings.Proxy, settings.Balancing, handles, node, new ActorStatusSource(balancer, TimeSpan.FromSeconds(5)), loggerFactory,
                    new ActorAuditSource(auditLog, TimeSpan.FromSeconds(5), settings.Name),
                    new ClusterAdmin(cluster),
                    registry, new ActorAdminEventFeed(events), new ActorNodeHealth(system, cluster), meterScope: system);
            }
            catch (InvalidOperationException ex) when (ex.InnerException is IOException or UnauthorizedAccessException)
            {
                throw new NodeStartException(ex.Message, ex);
            }
            catch (UpstreamTlsException ex)
            {
                throw new NodeStartException($"a pool's upstream TLS cannot be set up: {ex.Message}", ex);
            }
            catch (ClusterLb.Proxy.Tls.CertificateLoadException ex)
            {
                throw new NodeStartException($"cannot load an HTTPS certificate: {ex.Message}", ex);
            }
            // node-start is stored before the listeners bind, so the log never shows traffic before the node started.
            try
            {
                await RecordAsync(auditLog, settings, "node-start", null, cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested)
            {
                throw new NodeStartException($"the audit log could not record node-start ({ex.Message})", ex);
            }
            recordedStart = auditLog;
            await frontEnd.StartAsync(cancellation).ConfigureAwait(false);

            var shutdown = CoordinatedShutdown.Get(system);
            var started = frontEnd;
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "proxy-unbind-and-drain", async () =>
            {
                await started.StopProxyAsync().ConfigureAwait(false);
                return Done.Instance;
            });
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "admin-stop", async () =>
            {
                await started.StopAdminAsync().ConfigureAwait(false);
                return Done.Instance;
            });
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "audit-node-stop", async () =>
            {
                try
                {
                    await RecordAsync(auditLog, settings, "node-stop", null, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Shutdown goes on without the entry; the log says why it is missing.
                    LogNodeStopNotRecorded(logger, ex);
                }
                return Done.Instance;
            });

            var result = new ClusterLbNode(system, frontEnd, probes, handles, logger) { AuditLog = auditLog, Registry = registry };
            if (result.HttpsUrl is { } httpsUrl)
            {
                LogStartedWithHttps(logger, settings.Name, Version, settings.Balancing.Services.Length, result.ProxyUrl, httpsUrl, result.AdminUrl);
            }
            else
            {
                LogStarted(logger, settings.Name, Version, settings.Balancing.Services.Length, result.ProxyUrl, result.AdminUrl);
            }
            return result;
        }
        catch (Exception failure)
        {
            if (recordedStart is not null)
            {
                await TryRecordStartFailedAsync(recordedStart, settings, failure, logger).ConfigureAwait(false);
            }
            if (frontEnd is not null)
            {
                await frontEnd.DisposeAsync().ConfigureAwait(false);
            }
            await system.Terminate().ConfigureAwait(false);
            probes.Dispose();
            throw;
        }
    }

    private static RegistrySettings ReadRegistrySettings(NodeSettings settings)
    {
        try
        {
            return RegistrySettings.FromConfig(settings.Config);
        }
        catch (ArgumentException ex)
        {
            throw new NodeStartException($"invalid registry settings: {ex.Message}", ex);
        }
    }

    /// <summary>Records a node lifecycle entry and waits (bounded) until it is stored.</summary>
    private static Task RecordAsync(IActorRef auditLog, NodeSettings settings, string action, string? detail, CancellationToken cancellation) =>
        auditLog.Ask<AuditRecorded>(new RecordAudit(settings.Name, "system", action, settings.ConfigFile ?? "-", detail ?? string.Empty), AuditTimeout, cancellation);

    /// <summary>Closes a recorded node-start whose listeners never came up, so the log does not show a node that ran.</summary>
    private static async Task TryRecordStartFailedAsync(IActorRef auditLog, NodeSettings settings, Exception failure, ILogger logger)
    {
        try
        {
            await RecordAsync(auditLog, settings, "node-start-failed", failure.Message, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogStartFailedNotRecorded(logger, ex);
        }
    }

    /// <summary>Completes once the node's actor system has terminated (after a shutdown, or when it was downed).</summary>
    public Task WhenTerminated => System.WhenTerminated;

    /// <summary>
    /// Runs CoordinatedShutdown (stop accepting, drain, leave the cluster, stop) and completes when the actors are
    /// stopped.
    /// </summary>
    public async Task ShutdownAsync(CoordinatedShutdown.Reason? reason = null)
    {
        await CoordinatedShutdown.Get(System).Run(reason ?? CoordinatedShutdown.UnknownReason.Instance).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
        LogStopped(_logger);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await ShutdownAsync().ConfigureAwait(false);
        await _frontEnd.DisposeAsync().ConfigureAwait(false);
        _probes.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} (ClusterLb {Version}) routing {Services} services: proxy {ProxyUrl}, status {AdminUrl}status")]
    private static partial void LogStarted(ILogger logger, string node, string version, int services, Uri proxyUrl, Uri adminUrl);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} (ClusterLb {Version}) routing {Services} services: proxy {ProxyUrl} and {HttpsUrl}, status {AdminUrl}status")]
    private static partial void LogStartedWithHttps(ILogger logger, string node, string version, int services, Uri proxyUrl, Uri httpsUrl, Uri adminUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not record node-start-failed")]
    private static partial void LogStartFailedNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not record node-stop")]
    private static partial void LogNodeStopNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node stopped")]
    private static partial void LogStopped(ILogger logger);
}
