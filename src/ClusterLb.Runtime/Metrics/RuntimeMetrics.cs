using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Cluster;
using ClusterLb.Balancing.Health;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.Metrics;

/// <summary>
/// The actor side's metrics, one set per actor system (an Akka extension): active health-check results and
/// latency, cluster members by status, unreachable members, and the registry version this node has applied. The
/// meter is named <c>ClusterLb</c> like the proxy's and carries the actor system as its scope, which is how a
/// node's <c>/metrics</c> tells its own instruments from other nodes' in the same process.
/// </summary>
public sealed class RuntimeMetrics : IExtension, IDisposable
{
    private static readonly MemberStatus[] Statuses = Enum.GetValues<MemberStatus>();
    private readonly Meter _meter;
    private readonly Counter<long> _checks;
    private readonly Histogram<double> _checkDuration;
    private long _registryVersion;

    private RuntimeMetrics(ActorSystem system)
    {
        _meter = new Meter(new MeterOptions("ClusterLb") { Scope = system });
        _checks = _meter.CreateCounter<long>("clusterlb.health.checks", "{check}", "Active health checks run, by service, pool, host and result (healthy, unhealthy).");
        _checkDuration = _meter.CreateHistogram<double>("clusterlb.health.check.duration", "s", "How long active health checks took, by service, pool and host.");
        // Actor systems without the cluster provider (the actor tests) have no membership to report.
        if (((ExtendedActorSystem)system).Provider is ClusterActorRefProvider)
        {
            var cluster = AkkaCluster.Get(system);
            _meter.CreateObservableGauge("clusterlb.cluster.members", () => ObserveMembers(cluster), "{member}", "Cluster members this node sees, by Akka member status.");
            _meter.CreateObservableGauge("clusterlb.cluster.unreachable", () => cluster.State.Unreachable.Count, "{member}", "Members this node's failure detector marks unreachable.");
        }
        _meter.CreateObservableGauge("clusterlb.registry.version", () => Volatile.Read(ref _registryVersion), "{change}", "Registry changes this node has applied (compare across nodes to see lag).");
        system.RegisterOnTermination(Dispose);
    }

    /// <summary>The metrics of <paramref name="system"/>.</summary>
    public static RuntimeMetrics Get(ActorSystem system) => system.WithExtension<RuntimeMetrics, RuntimeMetricsProvider>();

    /// <summary>Records one finished active probe.</summary>
    public void ProbeCompleted(string service, string pool, string host, ProbeResult result)
    {
        var tags = new System.Diagnostics.TagList { { "service", service }, { "pool", pool }, { "host", host } };
        _checkDuration.Record(result.Latency.TotalSeconds, tags);
        tags.Add("result", result.Healthy ? "healthy" : "unhealthy");
        _checks.Add(1, tags);
    }

    /// <summary>Notes the registry version this node has applied.</summary>
    public void RegistryApplied(long version) => Volatile.Write(ref _registryVersion, version);

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<int>> ObserveMembers(AkkaCluster cluster)
    {
        var members = cluster.State.Members;
        foreach (var status in Statuses)
        {
            yield return new Measurement<int>(members.Count(m => m.Status == status), new KeyValuePair<string, object?>("status", status.ToString()));
        }
    }

    private sealed class RuntimeMetricsProvider : ExtensionIdProvider<RuntimeMetrics>
    {
        public override RuntimeMetrics CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
