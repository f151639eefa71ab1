using ClusterLb.Actors;
using ClusterLb.Hocon;
using ClusterLb.Remote.Serialization;
using ClusterLb.Remote.Transport;
using ClusterLb.Remote.Wire;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote;

/// <summary>
/// An <see cref="ActorSystem"/> reachable over the network: binds the transport, creates the system at the
/// advertised address, resolves paths on other nodes to <see cref="RemoteActorRef"/>s, delivers received messages to
/// local actors and runs remote death watch. Remoting events are published on the system's event stream.
/// </summary>
public sealed class Remoting : IAsyncDisposable, IActorRefResolver
{
    private readonly ResolvedRefCache _localRefs = new();
    private readonly ResolvedRefCache _remoteRefs = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IActorRef, ActorRefData> _wireForms = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IActorRef, ActorRefData>.CreateValueCallback _toWireUncached;
    private readonly Func<string, long, IActorRef?> _resolveLocal;
    private readonly Func<string, long, IActorRef?> _resolveRemote;

    private Remoting(ActorSystem system, RemoteTransport transport)
    {
        System = system;
        Transport = transport;
        Watcher = new RemoteWatcher(transport);
        Logger = system.LoggerFactory.CreateLogger("ClusterLb.Remote.Remoting");
        _toWireUncached = ToWireUncached;
        _resolveLocal = ResolveLocalUncached;
        _resolveRemote = ResolveRemoteUncached;
    }

    /// <summary>The actor system.</summary>
    public ActorSystem System { get; }

    /// <summary>The transport (addresses, quarantine, metrics, events).</summary>
    public RemoteTransport Transport { get; }

    /// <summary>Remote death watch; the cluster layer calls <see cref="RemoteWatcher.AddressTerminated"/>.</summary>
    public RemoteWatcher Watcher { get; }

    /// <summary>This node's address and uid.</summary>
    public UniqueAddress SelfAddress => Transport.LocalAddress;

    internal ILogger Logger { get; }

    /// <summary>Completes once the transport is closed, which happens by itself when <see cref="System"/> terminates.</summary>
    public Task TransportClosed { get; private set; } = Task.CompletedTask;

    /// <summary>
    /// Starts a node from its configuration: <c>clusterlb.remote.*</c> for the transport, the whole configuration for
    /// the actor system.
    /// </summary>
    public static Task<Remoting> StartAsync(Config config, RemotingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        return StartAsync(RemoteSettings.FromConfig(config), (options ?? new RemotingOptions()) with { Config = config }, cancellationToken);
    }

    /// <summary>Starts the transport and an actor system named <see cref="RemoteSettings.SystemName"/> at its advertised address.</summary>
    public static async Task<Remoting> StartAsync(RemoteSettings settings, RemotingOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        options ??= new RemotingOptions();
        var sink = new RemoteDelivery();
        var transport = new RemoteTransport(settings, sink, options.Serializer, options.LoggerFactory, options.Faults);
        await transport.StartAsync(cancellationToken).ConfigureAwait(false);
        ActorSystem system;
        try
        {
            system = ActorSystem.Create(settings.SystemName, new ActorSystemSetup(options.Config, options.LoggerFactory)
            {
                Address = transport.LocalAddress.Address.ToActorAddress(),
                ActorSettings = options.ActorSettings,
            });
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var remoting = system.GetOrAddExtension(s => new Remoting(s, transport));
        // Whoever terminates the system (CoordinatedShutdown after a leave or a downing, a test, the host), the
        // listener and connections go with it: a stopped node must not keep accepting peers.
        remoting.TransportClosed = system.WhenTerminated.ContinueWith(_ => transport.DisposeAsync().AsTask(), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        system.RegisterRemoteResolver(remoting);
        transport.Events += remoting.OnRemotingEvent;
        sink.Attach(remoting);
        return remoting;
    }

    /// <summary>The remoting of a system started by <see cref="StartAsync"/>, or null.</summary>
    public static Remoting? Get(ActorSystem system) => system.GetExtension<Remoting>();

    /// <summary>A reference to the actor at a full path (<c>clb://system@host:port/user/name</c>), local or remote.</summary>
    public IActorRef Resolve(string path) => System.ResolveActorRef(ActorPath.Parse(path));

    /// <summary>Quarantines a peer incarnation (see <see cref="RemoteTransport.Quarantine"/>); its watchers get Terminated.</summary>
    public bool Quarantine(NodeAddress address, long uid, string reason = "quarantined by request") => Transport.Quarantine(address, uid, reason);

    /// <summary>Terminates the actor system, then closes the transport (idempotent; safe after the system terminated).</summary>
    public async ValueTask DisposeAsync()
    {
        await System.Terminate().ConfigureAwait(false);
        await Transport.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    IActorRef? IActorRefResolver.Resolve(ActorPath path)
    {
        var node = path.Address.ToNodeAddress();
        if (node is null || node.System != System.Name)
        {
            return null;
        }

        // Our own bind address (or another local alias) is not the system's address but is still us.
        if (Transport.IsLocalAddress(node))
        {
            return System.ResolveActorRef(path.WithAddress(System.Address));
        }

        return new RemoteActorRef(this, path, node);
    }

    /// <summary>The wire form of a ref: its full path at this node's advertised address, plus its uid.</summary>
    internal ActorRefData? ToWire(IActorRef? actor)
    {
        switch (actor)
        {
            case null:
                return null;
            case RemoteActorRef remote:
                return remote.Wire;
        }

        if (actor.Equals(ActorRefs.Nobody))
        {
            return null;
        }

        // Senders repeat: build each ref's wire form once (weakly held, so stopped actors and asks are collected).
        return _wireForms.GetValue(actor, _toWireUncached);
    }

    /// <summary>The local actor a received envelope names (the transport already checked the address is ours).</summary>
    internal IActorRef ResolveLocal(ActorRefData data)
    {
        var resolved = _localRefs.GetOrResolve(data.Path, data.Uid, _resolveLocal);
        return ReferenceEquals(resolved, ActorRefs.Nobody) ? System.DeadLetters : resolved;
    }

    /// <summary>The ref a received envelope names on another node (or this one).</summary>
    internal IActorRef? ResolveRemote(ActorRefData? data)
    {
        if (data is null)
        {
            return null;
        }

        var resolved = _remoteRefs.GetOrResolve(data.Path, data.Uid, _resolveRemote);
        return ReferenceEquals(resolved, ActorRefs.Nobody) ? null : resolved;
    }

    private ActorRefData ToWireUncached(IActorRef actor)
    {
        var path = actor.Path.Address.IsLocal ? actor.Path.WithAddress(System.Address) : actor.Path;
        return new ActorRefData { Path = path.ToString(), Uid = path.Uid };
    }

    private IActorRef? ResolveLocalUncached(string text, long uid)
        => ActorPath.TryParse(text, out var path) ? System.ResolveActorRef(path!.WithAddress(System.Address).WithUid(uid)) : null;

    private IActorRef? ResolveRemoteUncached(string text, long uid)
        => ActorPath.TryParse(text, out var path) ? System.ResolveActorRef(path!.WithUid(uid)) : null;

    private void OnRemotingEvent(RemotingEvent remotingEvent)
    {
        if (remotingEvent is QuarantinedEvent quarantined)
        {
            Watcher.OnQuarantined(quarantined.Peer);
        }

        System.EventStream.Publish(remotingEvent);
    }
}

/// <summary>Optional inputs for <see cref="Remoting.StartAsync"/>.</summary>
public sealed record RemotingOptions
{
    /// <summary>The serializer with the application's protobuf messages registered; default: remoting's own only.</summary>
    public MessageSerializer? Serializer { get; init; }

    /// <summary>Where log lines go.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }

    /// <summary>The fault injector; default <see cref="TransportFaults.Shared"/>.</summary>
    public TransportFaults? Faults { get; init; }

    /// <summary>The node's configuration, handed to the actor system (set by the <see cref="Config"/> overload).</summary>
    public Config? Config { get; init; }

    /// <summary>Kernel settings; they win over <see cref="Config"/>.</summary>
    public ActorSettings? ActorSettings { get; init; }
}
