using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Metrics;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>
/// Owns one host's health: runs active probes on a timer, takes passive failures from the request path, and
/// tells its parent router when the host goes up or down. One probe at a time: a probe still running when the
/// next tick arrives makes the tick a no-op rather than piling probes on a slow host.
/// </summary>
public sealed class HealthCheckerActor : ReceiveActor, IWithTimers
{
    private const string ProbeTimer = "probe";
    private const string PassiveDownTimer = "passive-down";
    private readonly string _serviceName;
    private readonly string _poolId;
    private readonly string _hostId;
    private readonly PoolSettings _pool;
    private readonly IHealthProbe? _probe;
    private readonly HealthTracker _tracker;
    private readonly CancellationTokenSource _stopping = new();
    private ProbeResult? _lastProbe;
    private bool _probing;

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Creates the checker for <paramref name="host"/> of <paramref name="pool"/>.</summary>
    public HealthCheckerActor(string serviceName, PoolSettings pool, HostSettings host, HttpMessageInvoker probeClient, HostHealth initial = HostHealth.Up)
    {
        _serviceName = serviceName;
        _poolId = pool.Id;
        _hostId = host.Id;
        _pool = pool;
        _probe = HealthProbes.For(host.Address, pool.HealthCheck, probeClient, pool.Connection);
        _tracker = new HealthTracker(pool.HealthCheck, pool.Passive, initial);

        Receive<RunProbe>(_ => StartProbe());
        Receive<ProbeResult>(OnProbeResult);
        Receive<Status.Failure>(_ => _probing = false);
        Receive<PassiveFailure>(OnPassiveFailure);
        Receive<PassiveRecovery>(_ => _tracker.ObservePassiveRecovery());
        Receive<PassiveDownExpired>(_ => Report(_tracker.Force(HostHealth.Up), $"passive down-time of {_pool.Passive.DownTime} elapsed"));
        Receive<GetHostHealth>(_ => Sender.Tell(new HostHealthReport(_poolId, _hostId, _tracker.State, _lastProbe, _tracker.ConsecutiveFailures)));
    }

    /// <summary>Props for a checker.</summary>
    public static Props Props(string serviceName, PoolSettings pool, HostSettings host, HttpMessageInvoker probeClient, HostHealth initial = HostHealth.Up) =>
        Akka.Actor.Props.Create(() => new HealthCheckerActor(serviceName, pool, host, probeClient, initial));

    /// <inheritdoc />
    protected override void PreStart()
    {
        // A (re)started checker states its view so the router never keeps one from a previous incarnation.
        // Sent with Self: the router ignores a replaced checker's late reports by their sender.
        Context.Parent.Tell(new HostHealthChanged(_serviceName, _poolId, _hostId, _tracker.State, "checker started"), Self);
        if (_pool.HealthCheck.Enabled && _probe is not null)
        {
            Timers.StartPeriodicTimer(ProbeTimer, RunProbe.Instance, TimeSpan.Zero, _pool.HealthCheck.Interval);
        }
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void StartProbe()
    {
        if (_probing || _probe is null)
        {
            return;
        }
        _probing = true;
        _probe.RunAsync(_stopping.Token).PipeTo(Self);
    }

    private void OnProbeResult(ProbeResult result)
    {
        _probing = false;
        _lastProbe = result;
        RuntimeMetrics.Get(Context.System).ProbeCompleted(_serviceName, _poolId, _hostId, result);
        var reason = result.Healthy
            ? $"{_tracker.ConsecutiveSuccesses + 1} good checks in a row (rise {_pool.HealthCheck.Rise})"
            : $"{_tracker.ConsecutiveFailures + 1} failed checks in a row (fall {_pool.HealthCheck.Fall}), last: {result.Error}";
        Report(_tracker.ObserveProbe(result.Healthy), reason);
    }

    private void OnPassiveFailure(PassiveFailure failure)
    {
        var what = failure.ConnectFailed ? "connect failure" : $"status {failure.StatusCode}";
        var changed = _tracker.ObservePassiveFailure();
        Report(changed, $"passive: {what} in proxied traffic (passive fall {_pool.Passive.Fall})");
        if (changed && !(_pool.HealthCheck.Enabled && _probe is not null))
        {
            Timers.StartSingleTimer(PassiveDownTimer, PassiveDownExpired.Instance, _pool.Passive.DownTime);
        }
    }

    private void Report(bool changed, string reason)
    {
        if (!changed)
        {
            return;
        }
        var change = new HostHealthChanged(_serviceName, _poolId, _hostId, _tracker.State, reason);
        Context.Parent.Tell(change, Self);
        Context.System.EventStream.Publish(change);
    }
}
