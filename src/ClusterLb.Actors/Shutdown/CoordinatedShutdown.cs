using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors;

/// <summary>
/// Akka's phased shutdown. Tasks are added to named phases; <see cref="Run"/> executes the phases in order, the
/// tasks of one phase concurrently, each phase bounded by its timeout (a timed-out or failed phase is logged and
/// the next one starts). The last phase terminates the actor system.
/// </summary>
public sealed class CoordinatedShutdown
{
    /// <summary>Before the front end stops accepting.</summary>
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";

    /// <summary>Stop accepting new connections.</summary>
    public const string PhaseServiceUnbind = "service-unbind";

    /// <summary>Wait for in-flight requests.</summary>
    public const string PhaseServiceRequestsDone = "service-requests-done";

    /// <summary>Stop the service.</summary>
    public const string PhaseServiceStop = "service-stop";

    /// <summary>Before leaving the cluster.</summary>
    public const string PhaseBeforeClusterShutdown = "before-cluster-shutdown";

    /// <summary>Hand over shards (10 s by default).</summary>
    public const string PhaseClusterShardingShutdownRegion = "cluster-sharding-shutdown-region";

    /// <summary>Leave the cluster.</summary>
    public const string PhaseClusterLeave = "cluster-leave";

    /// <summary>Exiting: singletons hand over (10 s by default).</summary>
    public const string PhaseClusterExiting = "cluster-exiting";

    /// <summary>Exiting confirmed.</summary>
    public const string PhaseClusterExitingDone = "cluster-exiting-done";

    /// <summary>Cluster daemons stop.</summary>
    public const string PhaseClusterShutdown = "cluster-shutdown";

    /// <summary>Last chance before actors stop.</summary>
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>The actor system stops (10 s by default).</summary>
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    /// <summary>Every phase, in the order they run.</summary>
    public static readonly IReadOnlyList<string> Phases =
    [
        PhaseBeforeServiceUnbind, PhaseServiceUnbind, PhaseServiceRequestsDone, PhaseServiceStop,
        PhaseBeforeClusterShutdown, PhaseClusterShardingShutdownRegion, PhaseClusterLeave, PhaseClusterExiting,
        PhaseClusterExitingDone, PhaseClusterShutdown, PhaseBeforeActorSystemTerminate, PhaseActorSystemTerminate,
    ];

    private readonly ActorSystem _system;
    private readonly ILogger _log;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Run)>> _tasks = [];
    private readonly HashSet<string> _startedPhases = [];
    private Task? _run;

    internal CoordinatedShutdown(ActorSystem system)
    {
        _system = system;
        _log = system.LoggerFactory.CreateLogger<CoordinatedShutdown>();
        foreach (var phase in system.ActorSettings.PhaseTimeouts.Keys)
        {
            RequirePhase(phase);
        }

        AddTask(PhaseActorSystemTerminate, "terminate-system", _ =>
        {
            system.TerminateCore();
            return system.WhenTerminated;
        });
    }

    /// <summary>The reason given to the first <see cref="Run"/>, or null while not running.</summary>
    public CoordinatedShutdownReason? ShutdownReason { get; private set; }

    /// <summary>The timeout of <paramref name="phase"/>.</summary>
    public TimeSpan Timeout(string phase)
    {
        RequirePhase(phase);
        return _system.ActorSettings.PhaseTimeouts.TryGetValue(phase, out var timeout) ? timeout : _system.ActorSettings.DefaultPhaseTimeout;
    }

    /// <summary>The sum of all phase timeouts: the longest <see cref="Run"/> can take.</summary>
    public TimeSpan TotalTimeout => Phases.Aggregate(TimeSpan.Zero, (sum, phase) => sum + Timeout(phase));

    /// <summary>
    /// Adds a task to <paramref name="phase"/>. The token is cancelled when the phase times out. A task added
    /// after its phase started is logged and never runs.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown phase name.</exception>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        RequirePhase(phase);
        ArgumentException.ThrowIfNullOrEmpty(taskName);
        ArgumentNullException.ThrowIfNull(task);
        lock (_lock)
        {
            if (_startedPhases.Contains(phase))
            {
                LogMessages.TaskAddedTooLate(_log, phase, taskName);
                return;
            }

            if (!_tasks.TryGetValue(phase, out var list))
            {
                _tasks[phase] = list = [];
            }

            list.Add((taskName, task));
        }
    }

    /// <summary>Runs every phase once; later calls return the same task. Completes when the last phase ends.</summary>
    public Task Run(CoordinatedShutdownReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_lock)
        {
            if (_run is not null)
            {
                return _run;
            }

            ShutdownReason = reason;
            _run = Task.Run(() => RunPhases(reason));
            return _run;
        }
    }

    /// <summary>
    /// Runs this shutdown on SIGTERM, SIGINT (Ctrl-C) and process exit; the signal's default termination is
    /// cancelled so the host can exit once <see cref="ActorSystem.WhenTerminated"/> completes. Dispose to unhook.
    /// </summary>
    public IDisposable RunOnProcessExit()
    {
        var registrations = new List<IDisposable>
        {
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
        };
        EventHandler onExit = (_, _) => Run(CoordinatedShutdownReason.ProcessExit).Wait(TotalTimeout);
        AppDomain.CurrentDomain.ProcessExit += onExit;
        registrations.Add(new Unhook(() => AppDomain.CurrentDomain.ProcessExit -= onExit));
        return new Unhook(() => registrations.ForEach(r => r.Dispose()));
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        _ = Run(CoordinatedShutdownReason.ProcessExit);
    }

    private async Task RunPhases(CoordinatedShutdownReason reason)
    {
        LogMessages.ShutdownStarted(_log, reason.Name);
        foreach (var phase in Phases)
        {
            List<(string Name, Func<CancellationToken, Task> Run)> tasks;
            lock (_lock)
            {
                _startedPhases.Add(phase);
                tasks = _tasks.TryGetValue(phase, out var list) ? [.. list] : [];
            }

            if (tasks.Count == 0)
            {
                continue;
            }

            LogMessages.PhaseStarted(_log, phase, tasks.Count);
            var timeout = Timeout(phase);
            using var cts = new CancellationTokenSource(timeout);
            var running = tasks.Select(t => RunTask(phase, t.Name, t.Run, cts.Token)).ToArray();
            try
            {
                await Task.WhenAll(running).WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                LogMessages.PhaseTimedOut(_log, phase, timeout);
                await cts.CancelAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task RunTask(string phase, string name, Func<CancellationToken, Task> task, CancellationToken ct)
    {
        try
        {
            await task(ct).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            LogMessages.TaskFailed(_log, ex, phase, name);
        }
    }

    private static void RequirePhase(string phase)
    {
        if (!Phases.Contains(phase))
        {
            throw new ArgumentException($"Unknown CoordinatedShutdown phase '{phase}'. Known phases: {string.Join(", ", Phases)}.", nameof(phase));
        }
    }

    private sealed class Unhook(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                dispose();
            }
        }
    }
}
