using System.Collections.Concurrent;
using ClusterLb.Hocon;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.Actors;

/// <summary>
/// A hierarchy of actors: the root guardian with <c>/user</c> (application actors) and <c>/system</c> (kernel
/// and cluster daemons), plus dead letters, the event stream, the scheduler and CoordinatedShutdown.
/// </summary>
public sealed class ActorSystem : IAsyncDisposable
{
    private readonly ActorCell _rootCell;
    private readonly ActorCell _userGuardian;
    private readonly ActorCell _systemGuardian;
    private readonly ThreadPoolDispatcher _defaultDispatcher;
    private readonly TaskCompletionSource _terminated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<Type, Lazy<object>> _extensions = new();
    private readonly List<IActorRefResolver> _resolvers = [];
    private readonly Lock _resolversLock = new();
    private int _terminateRequested;

    private ActorSystem(string name, ActorSystemSetup setup)
    {
        Name = name;
        Settings = setup.Config is { IsResolved: false } unresolved ? unresolved.Resolve() : setup.Config ?? Config.Empty;
        ActorSettings = setup.ActorSettings ?? ActorSettings.FromConfig(Settings);
        ActorSettings.Validate();
        LoggerFactory = setup.LoggerFactory ?? NullLoggerFactory.Instance;
        LocalAddress = new Address("clb", name);
        Address = setup.Address ?? LocalAddress;
        if (Address.System != name)
        {
            throw new ArgumentException($"Setup address {Address} names system '{Address.System}', but the system is '{name}'.", nameof(setup));
        }

        // Built first: it validates the phase names in the settings before any actor exists.
        CoordinatedShutdown = new CoordinatedShutdown(this);
        _defaultDispatcher = new ThreadPoolDispatcher(ActorSettings.DefaultThroughput);
        var root = ActorPath.Root(Address);
        DeadLetterOffice = new DeadLetterActorRef(this, root.Child("deadLetters"));
        TempContainer = new TempRefContainer(this, root.Child("temp"));
        EventStream = new EventStream();
        Scheduler = new ActorScheduler();

        var rootRef = new LocalActorRef(this, root.WithUid(NewUid()));
        var rootProps = Props.Create(static () => new RootGuardian()).WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy);
        _rootCell = new ActorCell(this, rootRef, rootProps, new RootParentRef(this, root.Child("bubble-walker")), _defaultDispatcher);
        _userGuardian = ((LocalActorRef)_rootCell.ActorOf(Props.Create(static () => new GuardianActor()), "user")).Cell;
        _systemGuardian = ((LocalActorRef)_rootCell.ActorOf(Props.Create(static () => new GuardianActor()), "system")).Cell;
        _rootCell.Start();
    }

    /// <summary>When the system was created (for uptime on status pages).</summary>
    public DateTimeOffset StartTime { get; } = DateTimeOffset.UtcNow;

    /// <summary>Time since <see cref="StartTime"/>.</summary>
    public TimeSpan Uptime => DateTimeOffset.UtcNow - StartTime;

    /// <summary>The system's name (the <c>system</c> part of every path).</summary>
    public string Name { get; }

    /// <summary>The address in every local actor's path; set through <see cref="ActorSystemSetup.Address"/>.</summary>
    public Address Address { get; }

    /// <summary>The host-less address <c>clb://name</c>, also accepted as local by <see cref="ResolveActorRef"/>.</summary>
    public Address LocalAddress { get; }

    /// <summary>The configuration the system was created with (resolved); empty when none was given.</summary>
    public Config Settings { get; }

    /// <summary>Kernel settings in effect (from <c>clusterlb.actor.*</c> unless given explicitly).</summary>
    public ActorSettings ActorSettings { get; }

    /// <summary>Publish/subscribe by message type.</summary>
    public EventStream EventStream { get; }

    /// <summary>Where undeliverable messages go; they are counted, logged and published as <see cref="DeadLetter"/>.</summary>
    public IActorRef DeadLetters => DeadLetterOffice;

    /// <summary>Number of dead letters so far (for tests and the status endpoint).</summary>
    public long DeadLetterCount => DeadLetterOffice.Count;

    /// <summary>Tell-later scheduling (prefer <see cref="IActorContext.Timers"/> inside actors).</summary>
    public IScheduler Scheduler { get; }

    /// <summary>Ordered, phased shutdown (Akka's phases).</summary>
    public CoordinatedShutdown CoordinatedShutdown { get; }

    /// <summary>The logger factory actors log through.</summary>
    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Completes once every actor, guardians included, has stopped.</summary>
    public Task WhenTerminated => _terminated.Task;

    internal DeadLetterActorRef DeadLetterOffice { get; }

    internal TempRefContainer TempContainer { get; }

    internal IActorRef UserGuardian => _userGuardian.Self;

    internal IActorRef SystemGuardian => _systemGuardian.Self;

    /// <summary>Creates and starts a system. <paramref name="name"/>: letters, digits, '-' and '_', starting with a letter or digit.</summary>
    public static ActorSystem Create(string name, ActorSystemSetup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Invalid actor system name '{name}': use letters, digits, '-' and '_', starting with a letter or digit.", nameof(name));
        }

        return new ActorSystem(name, setup ?? new ActorSystemSetup());
    }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    public IActorRef ActorOf(Props props, string? name = null) => _userGuardian.ActorOf(props, name);

    /// <summary>Creates a kernel or daemon actor under <c>/system</c>.</summary>
    public IActorRef SystemActorOf(Props props, string? name = null) => _systemGuardian.ActorOf(props, name);

    /// <summary>Stops <paramref name="actor"/> (and its children) after its current message.</summary>
    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor is InternalActorRef target)
        {
            target.SendSystemMessage(ClusterLb.Actors.Terminate.Instance);
        }
    }

    /// <summary>
    /// Stops the system: runs CoordinatedShutdown (unless disabled in settings), whose last phase stops /user
    /// top-down, then /system. Completes with <see cref="WhenTerminated"/>.
    /// </summary>
    public Task Terminate()
    {
        if (ActorSettings.RunCoordinatedShutdownOnTerminate)
        {
            _ = CoordinatedShutdown.Run(CoordinatedShutdownReason.ActorSystemTerminate);
        }
        else
        {
            TerminateCore();
        }

        return WhenTerminated;
    }

    /// <summary>Stops the guardians without running CoordinatedShutdown.</summary>
    internal void TerminateCore()
    {
        if (Interlocked.Exchange(ref _terminateRequested, 1) == 0)
        {
            // The root guardian watches both guardians and stops /system only after /user has gone.
            Stop(UserGuardian);
        }
    }

    internal void OnRootStopped() => _terminated.TrySetResult();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await Terminate().ConfigureAwait(false);

    /// <summary>The extension of type <typeparamref name="T"/>, created once per system by <paramref name="factory"/>.</summary>
    public T GetOrAddExtension<T>(Func<ActorSystem, T> factory) where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return (T)_extensions.GetOrAdd(typeof(T), _ => new Lazy<object>(() => factory(this))).Value;
    }

    /// <summary>The extension of type <typeparamref name="T"/> if one was added.</summary>
    public T? GetExtension<T>() where T : class
        => _extensions.TryGetValue(typeof(T), out var lazy) ? (T)lazy.Value : null;

    /// <summary>Adds a resolver for paths on non-local addresses (remoting).</summary>
    public void RegisterRemoteResolver(IActorRefResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        lock (_resolversLock)
        {
            _resolvers.Add(resolver);
        }
    }

    /// <summary>Adds a resolver function for paths on non-local addresses (remoting).</summary>
    public void RegisterRemoteResolver(Func<ActorPath, IActorRef?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        RegisterRemoteResolver(new FuncResolver(resolver));
    }

    /// <summary>True when <paramref name="address"/> designates this system.</summary>
    public bool IsLocal(Address address) => address == Address || address == LocalAddress;

    /// <summary>
    /// The reference for <paramref name="path"/>: a live local actor, a pending ask, dead letters, a remote ref
    /// from a registered resolver, or else a ref that answers like a dead actor (tells become dead letters,
    /// watch yields Terminated at once). A non-zero uid must match the incarnation.
    /// </summary>
    public IActorRef ResolveActorRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (IsLocal(path.Address))
        {
            return ResolveLocal(path) ?? new MissingActorRef(this, path);
        }

        IActorRefResolver[] resolvers;
        lock (_resolversLock)
        {
            resolvers = [.. _resolvers];
        }

        foreach (var resolver in resolvers)
        {
            if (resolver.Resolve(path) is { } found)
            {
                return found;
            }
        }

        return new MissingActorRef(this, path);
    }

    /// <summary>Parses and resolves a path string (see <see cref="ResolveActorRef(ActorPath)"/>).</summary>
    public IActorRef ResolveActorRef(string path) => ResolveActorRef(ActorPath.Parse(path));

    private IActorRef? ResolveLocal(ActorPath path)
    {
        var elements = path.Elements;
        if (elements.Count == 0)
        {
            return Matches(_rootCell.Self, path) ? _rootCell.Self : null;
        }

        switch (elements[0])
        {
            case "deadLetters" when elements.Count == 1:
                return DeadLetterOffice;
            case "temp" when elements.Count == 2:
                return TempContainer.Get(elements[1]) is { } temp && Matches(temp, path) ? temp : null;
        }

        var cell = _rootCell;
        LocalActorRef? current = null;
        foreach (var element in elements)
        {
            current = cell.ChildRef(element);
            if (current is null)
            {
                return null;
            }

            cell = current.Cell;
        }

        return current is not null && !current.IsTerminated && Matches(current, path) ? current : null;
    }

    private static bool Matches(IActorRef actor, ActorPath path) => path.Uid == 0 || actor.Path.Uid == path.Uid;

    internal Dispatcher DefaultDispatcher(Props props)
        => props.Throughput is { } throughput ? new ThreadPoolDispatcher(throughput) : _defaultDispatcher;

    internal static long NewUid() => Random.Shared.NextInt64(1, long.MaxValue);

    /// <inheritdoc />
    public override string ToString() => Address.ToString();

    private sealed class FuncResolver(Func<ActorPath, IActorRef?> resolve) : IActorRefResolver
    {
        public IActorRef? Resolve(ActorPath path) => resolve(path);
    }
}
