using System.Diagnostics;
using System.Diagnostics.Metrics;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy;

/// <summary>
/// The node's request metrics (meter <c>ClusterLb</c>), named so the Prometheus exporter turns them into
/// <c>clusterlb_proxy_requests_total</c>, <c>clusterlb_proxy_request_duration_seconds</c> and so on. Per-host
/// picks, in-flight counts and health are read from the hosts' atomic counters and the routers' snapshots when a
/// listener collects, so the request path pays nothing extra for them. Labels are bounded: service, pool and
/// host come from the configuration and registry, the status class is one of <c>1xx</c>..<c>5xx</c>.
/// </summary>
public sealed class ProxyMetrics : IDisposable
{
    /// <summary>Meter name to subscribe to (dotnet-counters, OpenTelemetry); the Runtime layer's meter shares it.</summary>
    public const string MeterName = "ClusterLb";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Counter<long> _responseBytes;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _retries;

    /// <summary>
    /// Creates the instruments; <paramref name="handles"/> supplies the hosts to observe. <paramref name="scope"/>
    /// tells this node's meter apart from other nodes' in the same process (the demo, the tests): the exporter
    /// keeps only the <c>ClusterLb</c> meters of its own node's scope.
    /// </summary>
    public ProxyMetrics(IReadOnlyCollection<RouteHandle> handles, object? scope = null, Observability.AccessLog? accessLog = null)
    {
        _meter = new Meter(new MeterOptions(MeterName) { Scope = scope });
        _requests = _meter.CreateCounter<long>("clusterlb.proxy.requests", "{request}", "Requests answered by the proxy, by service, pool, host and status class.");
        _responseBytes = _meter.CreateCounter<long>("clusterlb.proxy.response.body", "By", "Response body bytes sent to clients, by service, pool and host.");
        _requestDuration = _meter.CreateHistogram<double>("clusterlb.proxy.request.duration", "s", "Time from receiving a request to the end of its response, by service, pool and host.");
        _retries = _meter.CreateCounter<long>("clusterlb.proxy.retries", "{retry}", "Requests sent again to another host, by service.");
        _upstreamDuration = _meter.CreateHistogram<double>("clusterlb.proxy.upstream.duration", "s", "Time from pick to the end of the forwarded exchange, per host.");
        _meter.CreateObservableCounter("clusterlb.balancer.picks", () => ObservePicks(handles), "{pick}", "Times the balancer chose each host, with the pool's balancing method.");
        _meter.CreateObservableGauge("clusterlb.proxy.in_flight", () => Observe(handles, h => (long)h.Counters.InFlight), "{request}", "Requests in flight per host.");
        // The cluster-wide view (clusterlb.cluster-load): only hosts that a fresh report names, so a node with load
        // sharing off exports neither series.
        _meter.CreateObservableGauge("clusterlb.cluster.in_flight", () => ObserveCluster(handles, static c => c.ClusterInFlight), "{request}",
            "Requests in flight per host from every LB node (this node's live count plus the others' latest reports).");
        _meter.CreateObservableGauge("clusterlb.cluster.request_rate", () => ObserveCluster(handles, static c => c.ClusterRequestsPerSecond), "{request}/s",
            "Requests per second per host summed over every LB node, from successive load reports.");
        _meter.CreateObservableGauge("clusterlb.host.healthy", () => ObserveHealth(handles), null, "1 when the host may receive traffic (healthy and not drained or down), else 0.");
        if (accessLog is not null)
        {
            _meter.CreateObservableCounter("clusterlb.access_log.dropped", () => accessLog.Dropped, "{line}", "Access log lines dropped because the writer fell behind.");
        }
        _meter.CreateObservableGauge("clusterlb.service.healthy_hosts", () => ObserveServices(handles), "{host}", "Hosts of each service that may receive traffic.");
    }

    /// <summary>The meter's scope (the node it belongs to).</summary>
    public object? Scope => _meter.Scope;

    /// <summary>Counts one answered request; <paramref name="host"/> is null when none was picked (404, 503).</summary>
    public void RequestAnswered(string? service, UpstreamHost? host, int statusCode, long bodyBytes, TimeSpan total)
    {
        var tags = new TagList
        {
            { "service", service ?? string.Empty },
            { "pool", host?.PoolId ?? string.Empty },
            { "host", host?.Id ?? string.Empty },
        };
        if (_requestDuration.Enabled)
        {
            _requestDuration.Record(total.TotalSeconds, tags);
        }
        if (_responseBytes.Enabled && bodyBytes > 0)
        {
            _responseBytes.Add(bodyBytes, tags);
        }
        if (_requests.Enabled)
        {
            tags.Add("status_class", StatusClass(statusCode));
            _requests.Add(1, tags);
        }
    }

    /// <summary>Counts one retry of a request of <paramref name="service"/>.</summary>
    public void Retried(string service)
    {
        if (_retries.Enabled)
        {
            _retries.Add(1, new KeyValuePair<string, object?>("service", service));
        }
    }

    /// <summary>Records how long a forwarded exchange with <paramref name="host"/> took.</summary>
    public void UpstreamCompleted(UpstreamHost host, TimeSpan duration)
    {
        if (_upstreamDuration.Enabled)
        {
            _upstreamDuration.Record(
                duration.TotalSeconds,
                new KeyValuePair<string, object?>("service", host.ServiceName),
                new KeyValuePair<string, object?>("pool", host.PoolId),
                new KeyValuePair<string, object?>("host", host.Id));
        }
    }

    /// <summary><c>2xx</c> for 200..299 and so on; <c>other</c> outside 100..599.</summary>
    public static string StatusClass(int statusCode)
    {
        var index = (statusCode / 100) - 1;
        return (uint)index < StatusClasses.Length ? StatusClasses[index] : "other";
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Observe(IReadOnlyCollection<RouteHandle> handles, Func<UpstreamHost, long> read)
    {
        foreach (var (_, host) in Hosts(handles))
        {
            yield return new Measurement<long>(read(host), HostTags(host));
        }
    }

    private static IEnumerable<Measurement<long>> ObservePicks(IReadOnlyCollection<RouteHandle> handles)
    {
        foreach (var (pool, host) in Hosts(handles))
        {
            yield return new Measurement<long>(host.Counters.Picks, [.. HostTags(host), new("method", pool.Method.ToConfigName())]);
        }
    }

    private static IEnumerable<Measurement<T>> ObserveCluster<T>(IReadOnlyCollection<RouteHandle> handles, Func<HostCounters, T> read)
        where T : struct
    {
        foreach (var (_, host) in Hosts(handles))
        {
            if (host.Counters.ClusterNodes > 0)
            {
                yield return new Measurement<T>(read(host.Counters), HostTags(host));
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveHealth(IReadOnlyCollection<RouteHandle> handles)
    {
        foreach (var (pool, host) in Hosts(handles))
        {
            yield return new Measurement<int>(pool.Healthy.Contains(host) ? 1 : 0, HostTags(host));
        }
    }

    /// <summary>Every host of every pool of every service, with its pool.</summary>
    private static IEnumerable<(PoolRoute Pool, UpstreamHost Host)> Hosts(IReadOnlyCollection<RouteHandle> handles)
    {
        foreach (var handle in handles)
        {
            foreach (var pool in handle.Snapshot.Pools)
            {
                foreach (var host in pool.All)
                {
                    yield return (pool, host);
                }
            }
        }
    }

    private static IEnumerable<Measurement<int>> ObserveServices(IReadOnlyCollection<RouteHandle> handles)
    {
        foreach (var handle in handles)
        {
            yield return new Measurement<int>(handle.Snapshot.HealthyHosts, new KeyValuePair<string, object?>("service", handle.ServiceName));
        }
    }

    private static KeyValuePair<string, object?>[] HostTags(UpstreamHost host) =>
    [
        new("service", host.ServiceName),
        new("pool", host.PoolId),
        new("host", host.Id),
    ];
}
