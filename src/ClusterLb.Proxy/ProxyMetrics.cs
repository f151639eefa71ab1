using System.Diagnostics.Metrics;
using ClusterLb.Balancing.Routing;

namespace ClusterLb.Proxy;

/// <summary>
/// The node's request metrics (meter <c>ClusterLb</c>). Per-host picks and in-flight counts are read from the
/// hosts' atomic counters when a listener collects, so the request path pays nothing extra for them.
/// </summary>
public sealed class ProxyMetrics : IDisposable
{
    /// <summary>Meter name to subscribe to (dotnet-counters, OpenTelemetry).</summary>
    public const string MeterName = "ClusterLb";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];
    private readonly Meter _meter;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _upstreamDuration;
    private readonly Counter<long> _retries;

    /// <summary>Creates the instruments; <paramref name="handles"/> supplies the hosts to observe.</summary>
    public ProxyMetrics(IReadOnlyCollection<RouteHandle> handles, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _requests = _meter.CreateCounter<long>("clusterlb.proxy.requests", "{request}", "Requests answered by the proxy, by service and status class.");
        _retries = _meter.CreateCounter<long>("clusterlb.proxy.retries", "{retry}", "Requests sent again to another host, by service.");
        _upstreamDuration = _meter.CreateHistogram<double>("clusterlb.proxy.upstream.duration", "s", "Time from pick to the end of the forwarded exchange, per host.");
        _meter.CreateObservableCounter("clusterlb.balancer.picks", () => Observe(handles, h => h.Counters.Picks), "{pick}", "Times the balancer chose each host.");
        _meter.CreateObservableUpDownCounter("clusterlb.balancer.in_flight", () => Observe(handles, h => (long)h.Counters.InFlight), "{request}", "Requests in flight per host.");
    }

    /// <summary>Counts one answered request.</summary>
    public void RequestAnswered(string service, int statusCode)
    {
        if (_requests.Enabled)
        {
            var index = (statusCode / 100) - 1;
            var statusClass = (uint)index < StatusClasses.Length ? StatusClasses[index] : "other";
            _requests.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("status_class", statusClass));
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

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<long>> Observe(IReadOnlyCollection<RouteHandle> handles, Func<UpstreamHost, long> read)
    {
        foreach (var handle in handles)
        {
            foreach (var pool in handle.Snapshot.Pools)
            {
                foreach (var host in pool.All)
                {
                    yield return new Measurement<long>(
                        read(host),
                        new KeyValuePair<string, object?>("service", host.ServiceName),
                        new KeyValuePair<string, object?>("pool", host.PoolId),
                        new KeyValuePair<string, object?>("host", host.Id));
                }
            }
        }
    }
}
