using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

/// <summary>Assembles a <see cref="ServiceStatus"/> from the checkers' reports and the hosts' live counters.</summary>
internal static class ServiceStatusBuilder
{
    public static ServiceStatus Build(ServiceSettings service, IReadOnlyList<(PoolSettings Pool, bool Panic, List<(UpstreamHost Host, HostSpec Spec, HostHealthReport Report, int? Ramp)> Hosts)> pools)
    {
        var poolStatuses = new List<PoolStatus>();
        string? activePool = null;
        int healthyTotal = 0, total = 0;
        foreach (var (pool, panic, hosts) in pools)
        {
            var hostStatuses = hosts.Select(h => new HostStatus(
                h.Host.Id,
                h.Host.Address.ToString(),
                h.Host.Weight,
                h.Report.Health == HostHealth.Up ? "up" : "down",
                h.Report.LastProbe is not null,
                h.Report.LastProbe is { } probe ? Math.Round(probe.Latency.TotalMilliseconds, 3) : null,
                h.Report.LastProbe?.Error,
                h.Report.ConsecutiveFailures,
                h.Host.Counters.InFlight,
                h.Host.Counters.Picks,
                h.Host.Counters.LatencyEwma is { Ticks: > 0 } ewma ? Math.Round(ewma.TotalMilliseconds, 3) : null)
            {
                State = RegistryCodec.StateName(h.Spec.State),
                Source = h.Spec.Source,
                SlowStartPercent = h.Ramp,
                ClusterInFlight = h.Host.Counters.ClusterNodes > 0 ? h.Host.Counters.ClusterInFlight : null,
                ClusterRequestsPerSecond = h.Host.Counters.ClusterNodes > 0 ? Math.Round(h.Host.Counters.ClusterRequestsPerSecond, 3) : null,
                ClusterNodes = h.Host.Counters.ClusterNodes > 0 ? h.Host.Counters.ClusterNodes : null,
            }).ToList();
            var healthy = hostStatuses.Count(h => h.Health == "up");
            if (activePool is null && healthy > 0)
            {
                activePool = pool.Id;
            }
            healthyTotal += healthy;
            total += hostStatuses.Count;
            var method = pool.Method.ToConfigName() + (pool.Method == BalancingMethod.RoundRobin && pool.HasUnequalWeights ? " (weighted)" : string.Empty);
            var detail = StatusWords.Detail(healthy, hostStatuses.Count) + (panic ? "; panic mode: balancing over every host" : string.Empty);
            poolStatuses.Add(new PoolStatus(pool.Id, pool.Priority, method, detail, hostStatuses)
            {
                Options = PoolOptionsStatus.From(pool.Options),
                Panic = panic,
            });
        }
        return new ServiceStatus(service.Name, StatusWords.Of(healthyTotal, total), StatusWords.Detail(healthyTotal, total), activePool, poolStatuses)
        {
            Protocol = service.Protocol.Name(),
            Listen = service.Stream?.Listen,
        };
    }
}
