using System.Net;
using System.Reflection;
using ClusterLb.Actors;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Routing;
using ClusterLb.Cluster;
using ClusterLb.Persistence;
using ClusterLb.Persistence.Audit;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using ClusterLb.Remote;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Hosting;

/// <summary>
/// One running node: the actor system with the balancing actors, and the proxy and admin listeners in front.
/// Shutdown goes through CoordinatedShutdown: <c>service-unbind</c> stops accepting and drains in-flight
/// requests (bounded by <c>clusterlb.proxy.drain-timeout</c>), <c>service-stop</c> closes the admin listener,
/// <c>before-actor-system-terminate</c> records <c>node-stop</c> in the audit log, and the last phase stops the actors.
/// </summary>
public sealed partial class ClusterLbNode : IAsyncDisposable
{
    private readonly ProxyFrontEnd _frontEnd;
    private readonly HttpMessageInvoker _probeClient;
    private readonly ILogger _logger;
    private static readonly TimeSpan AuditTimeout = TimeSpan.FromSeconds(10);
    private int _disposed;

    private ClusterLbNode(ActorSystem system, ProxyFrontEnd frontEnd, HttpMessageInvoker probeClient, IReadOnlyDictionary<string, RouteHandle> handles, ILogger logger)
    {
        System = system;
        _frontEnd = frontEnd;
        _probeClient = probeClient;
        Handles = handles;
        _logger = logger;
    }

    /// <summary>ClusterLb's version, from the assembly.</summary>
    public static string Version { get; } =
        typeof(ClusterLbNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The node's actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>Each service's route handle, by service name.</summary>
    public IReadOnlyDictionary<string, RouteHandle> Handles { get; }

    /// <summary>The proxy's HTTP/1.1 URL.</summary>
    public Uri ProxyUrl => _frontEnd.HttpUrl;

    /// <summary>The proxy's h2c URL, null when that listener is off.</summary>
    public Uri? Http2Url => _frontEnd.Http2Url;

    /// <summary>The admin listener's URL (<c>GET /status</c>, <c>GET /api/audit</c>).</summary>
    public Uri AdminUrl => _frontEnd.AdminUrl;

    /// <summary>The replicated registry of pools and hosts: views and admin writes.</summary>
    public IRegistryAdmin Registry { get; private init; } = null!;

    /// <summary>The admin audit log actor.</summary>
    public IActorRef AuditLog { get; private init; } = ActorRefs.Nobody;

    /// <summary>Completes once the cluster transport is closed (at once for a node without a cluster).</summary>
    private Task RemotingClosed { get; init; } = Task.CompletedTask;

    /// <summary>Starts a node; returns once every service can route and the listeners accept connections.</summary>
    public static async Task<ClusterLbNode> StartAsync(NodeSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellation = default)
    {
        var logger = loggerFactory.CreateLogger<ClusterLbNode>();
        var clustered = ClusterMode.IsEnabled(settings.Config);
        // One actor system per node: a clustered node's system is the one remoting creates on the cluster address.
        var remoting = clustered ? await StartClusterAsync(settings, loggerFactory, cancellation).ConfigureAwait(false) : null;
        var system = remoting?.System
            ?? ActorSystem.Create("clusterlb", new ActorSystemSetup(settings.Config, loggerFactory) { ActorSettings = KernelSettings(settings) });
        // The transport does not close its listener on its own: it goes when the system is gone.
        var remotingClosed = remoting is null
            ? Task.CompletedTask
            : system.WhenTerminated.ContinueWith(_ => remoting.DisposeAsync().AsTask(), CancellationToken.None,
                TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        var probeClient = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = settings.Proxy.Upstream.ConnectTimeout,
        });

        ProxyFrontEnd? frontEnd = null;
        IActorRef? recordedStart = null;
        try
        {
            // Persistence first: every persistent actor finds its journal through the extension when it starts.
            var persistence = settings.Persistence with { SqlitePath = settings.Persistence.ResolveSqlitePath(settings.DataDirectory) };
            try
            {
                PersistenceExtension.Register(system, persistence);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or global::System.Data.Common.DbException)
            {
                throw new NodeStartException($"cannot open the {persistence.Provider.ToString().ToLowerInvariant()} journal ({Where(persistence)}): {ex.Message}", ex);
            }
            // One log per node: nodes sharing a database must not write the same persistence id.
            var auditLog = system.ActorOf(AuditLogActor.Props(AuditPersistenceId(settings.Name)), "audit-log");

            // The replicator after persistence (its durable store lives there); the routers follow the registry it holds,
            // and the first snapshots below are the registry's (seeded from the configuration where absent).
            var registrySettings = ReadRegistrySettings(settings);
            var replica = RegistryReplica.Of(system, clustered ? ClusterLb.Cluster.Cluster.Get(system).SelfAddress.ToString() : settings.Name);
            var handles = BalancerActor.CreateHandles(settings.Balancing);
            var balancer = system.ActorOf(BalancerActor.Props(settings.Balancing, handles, probeClient, replica, registrySettings), BalancerActor.Name);
            var registry = new RegistryAdmin(replica, settings.Balancing, registrySettings, balancer);
            await Task.WhenAll(handles.Values.Select(h => h.FirstPublished)).WaitAsync(registrySettings.SeedReadTimeout + TimeSpan.FromSeconds(10), cancellation).ConfigureAwait(false);

            var adminEvents = StartAdminEvents(system, remoting);

            var node = new NodeInfo(settings.Name, Version, DateTimeOffset.UtcNow);
            frontEnd = ProxyFrontEnd.Create(
                settings.Proxy, settings.Balancing, handles, node, new ActorStatusSource(balancer, TimeSpan.FromSeconds(5)), loggerFactory,
                new ActorAuditSource(auditLog, TimeSpan.FromSeconds(5), settings.Name),
                clustered ? new ClusterAdmin(ClusterLb.Cluster.Cluster.Get(system)) : null,
                registry, new ActorAdminEventFeed(adminEvents));
            // node-start is stored before the listeners bind: once they accept traffic the caller must be able to
            // install its signal handlers at once, without a journal write (an fsync) in between.
            try
            {
                await RecordAsync(auditLog, settings, "node-start", null, cancellation).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellation.IsCancellationRequested)
            {
                throw new NodeStartException($"the audit log could not record node-start ({Where(persistence)}): {ex.Message}", ex);
            }
            recordedStart = auditLog;
            await frontEnd.StartAsync(cancellation).ConfigureAwait(false);

            var shutdown = system.CoordinatedShutdown;
            var started = frontEnd;
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "proxy-unbind-and-drain", started.StopProxyAsync);
            shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "admin-stop", started.StopAdminAsync);
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "audit-node-stop", async token =>
            {
                try
                {
                    await RecordAsync(auditLog, settings, "node-stop", null, token).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    // Shutdown goes on without the entry; the log says why it is missing.
                    LogNodeStopNotRecorded(logger, ex);
                }
            });

            var result = new ClusterLbNode(system, frontEnd, probeClient, handles, logger) { AuditLog = auditLog, RemotingClosed = remotingClosed, Registry = registry };
            LogStarted(logger, settings.Name, Version, settings.Balancing.Services.Length, result.ProxyUrl, result.AdminUrl);
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
            probeClient.Dispose();
            throw;
        }
    }

    /// <summary>Starts remoting on the cluster address and the cluster extension (joining the seeds).</summary>
    private static async Task<Remoting> StartClusterAsync(NodeSettings settings, ILoggerFactory loggerFactory, CancellationToken cancellation)
    {
        try
        {
            return await ClusterNode.StartAsync(settings.Config!, new RemotingOptions { LoggerFactory = loggerFactory, ActorSettings = KernelSettings(settings) }, cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is global::System.Net.Sockets.SocketException or ArgumentException or FormatException)
        {
            // A taken cluster port or a bad seed address: one clear line for the operator, not a stack trace.
            throw new NodeStartException($"cannot start the cluster node (clusterlb.cluster / clusterlb.remote): {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Starts the relay behind <c>GET /events</c>; clustered, it shares events over DistributedPubSub, whose peers
    /// must be able to read the event envelope.
    /// </summary>
    private static IActorRef StartAdminEvents(ActorSystem system, Remoting? remoting)
    {
        IActorRef? mediator = null;
        if (remoting is not null)
        {
            remoting.Transport.Serializer.Register(ClusterLb.Node.Hosting.Wire.AdminEventsReflection.Descriptor);
            mediator = ClusterLb.Cluster.Tools.DistributedPubSub.Get(system).Mediator;
        }
        return system.ActorOf(AdminEventRelay.Props(mediator), AdminEventRelay.Name);
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

    /// <summary>The audit log's persistence id for the node named <paramref name="nodeName"/>.</summary>
    public static string AuditPersistenceId(string nodeName) => $"{AuditLogActor.DefaultPersistenceId}-{nodeName}";

    private static string Where(PersistenceSettings persistence) =>
        persistence.Provider == PersistenceProvider.Sqlite ? persistence.SqlitePath : "clusterlb.persistence.postgresql";

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

    /// <summary>
    /// The kernel's settings from <c>clusterlb.actor.*</c>, with the <c>service-unbind</c> phase long enough for
    /// the whole drain (drain timeout plus a margin to close sockets) unless configured longer.
    /// </summary>
    private static ActorSettings KernelSettings(NodeSettings settings)
    {
        var kernel = settings.Config is null ? ActorSettings.Default : ActorSettings.FromConfig(settings.Config);
        var unbind = settings.Proxy.DrainTimeout + TimeSpan.FromSeconds(5);
        if (kernel.PhaseTimeouts.TryGetValue(CoordinatedShutdown.PhaseServiceUnbind, out var configured) && configured >= unbind)
        {
            return kernel;
        }
        return kernel with
        {
            PhaseTimeouts = new Dictionary<string, TimeSpan>(kernel.PhaseTimeouts) { [CoordinatedShutdown.PhaseServiceUnbind] = unbind },
        };
    }

    /// <summary>Runs CoordinatedShutdown (stop accepting, drain, stop) and completes when the actors are stopped.</summary>
    public async Task ShutdownAsync(CoordinatedShutdownReason? reason = null)
    {
        await System.CoordinatedShutdown.Run(reason ?? CoordinatedShutdownReason.Unknown).ConfigureAwait(false);
        await System.WhenTerminated.ConfigureAwait(false);
        await RemotingClosed.ConfigureAwait(false);
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
        _probeClient.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Node {Node} (ClusterLb {Version}) routing {Services} services: proxy {ProxyUrl}, status {AdminUrl}status")]
    private static partial void LogStarted(ILogger logger, string node, string version, int services, Uri proxyUrl, Uri adminUrl);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not record node-start-failed")]
    private static partial void LogStartFailedNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit log could not record node-stop")]
    private static partial void LogNodeStopNotRecorded(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Node stopped")]
    private static partial void LogStopped(ILogger logger);
}
