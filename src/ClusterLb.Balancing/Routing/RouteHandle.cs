using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Routing;

/// <summary>
/// The front end's grip on one service's router. <see cref="Pick"/> runs on the request thread against the
/// router's latest snapshot (a volatile read, no lock); <see cref="Complete"/> updates atomic counters and
/// tells the host's health checker about failures without waiting.
/// </summary>
public sealed class RouteHandle
{
    private readonly TaskCompletionSource _published = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RoutingSnapshot _snapshot;

    /// <summary>Creates a handle that routes nowhere until the first <see cref="Publish"/>.</summary>
    /// <param name="serviceName">The service.</param>
    /// <param name="retries">The service's retry settings; null for the defaults.</param>
    public RouteHandle(string serviceName, RetrySettings? retries = null)
    {
        ServiceName = serviceName;
        Retries = retries ?? RetrySettings.Default;
        RetryBudget = new RetryBudget(Retries.BudgetPercent, Retries.MinPerSecond);
        _snapshot = RoutingSnapshot.Empty(serviceName);
    }

    /// <summary>Service name.</summary>
    public string ServiceName { get; }

    /// <summary>When a failed request goes to another host.</summary>
    public RetrySettings Retries { get; }

    /// <summary>The service's retry budget.</summary>
    public RetryBudget RetryBudget { get; }

    /// <summary>The latest published snapshot.</summary>
    public RoutingSnapshot Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>Completes with the first <see cref="Publish"/>, so a node can open its listener only once it can route.</summary>
    public Task FirstPublished => _published.Task;

    /// <summary>Replaces the snapshot. Only the owning router calls this (single writer).</summary>
    public void Publish(RoutingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Volatile.Write(ref _snapshot, snapshot);
        _published.TrySetResult();
    }

    /// <summary>
    /// Chooses a host and counts it in flight; null when no pool has a healthy host (the caller answers 503
    /// with <see cref="RoutingSnapshot.NoHostReason"/>). Every non-null pick must be followed by <see cref="Complete"/>.
    /// </summary>
    public UpstreamHost? Pick() => Pick(default);

    /// <summary>Like <see cref="Pick()"/>, for a request described by <paramref name="context"/>.</summary>
    public UpstreamHost? Pick(in PickContext context)
    {
        var host = Volatile.Read(ref _snapshot).Pick(context);
        host?.Counters.OnPicked();
        return host;
    }

    /// <summary>
    /// Counts a host chosen outside <see cref="Pick()"/> (from <see cref="RoutingSnapshot.Pick(in PickContext)"/>) in
    /// flight; it must be followed by <see cref="Complete"/>.
    /// </summary>
    public static void Track(UpstreamHost host) => host.Counters.OnPicked();

    /// <summary>Ends a picked request: in-flight and latency counters, then passive health feedback.</summary>
    public static void Complete(UpstreamHost host, in RequestOutcome outcome)
    {
        host.Counters.OnCompleted(outcome.Duration);
        var passive = host.Passive;
        if (!passive.Enabled)
        {
            return;
        }
        if (outcome.ConnectFailed || passive.UnhealthyStatuses.Contains(outcome.StatusCode))
        {
            host.Counters.MarkPassiveFailurePending();
            host.Outcomes.ReportFailure(host, outcome);
        }
        else if ((outcome.StatusCode != 0 || outcome.Connected) && host.Counters.TryClearPassiveFailurePending())
        {
            host.Outcomes.ReportRecovery(host);
        }
    }
}
