using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClusterLb.Proxy.Streams;

/// <summary>
/// The TCP and UDP services' metrics (meter <c>ClusterLb</c>): connections and sessions by outcome, bytes each way,
/// and datagrams dropped by a limit. Bytes are added once per connection or session when it ends, so the copy
/// loops pay nothing per packet.
/// </summary>
public sealed class StreamMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _connections;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _dropped;
    private readonly UpDownCounter<long> _open;

    /// <summary>Creates the instruments in this node's <paramref name="scope"/> (see <see cref="ProxyMetrics"/>).</summary>
    public StreamMetrics(object? scope)
    {
        _meter = new Meter(new MeterOptions(ProxyMetrics.MeterName) { Scope = scope });
        _connections = _meter.CreateCounter<long>("clusterlb.stream.connections", "{connection}",
            "TCP connections and UDP sessions of tcp and udp services, by service, protocol, pool, host and outcome (proxied, no-host, connect-failed, refused).");
        _open = _meter.CreateUpDownCounter<long>("clusterlb.stream.open", "{connection}", "Open TCP connections and UDP sessions, by service and protocol.");
        _bytes = _meter.CreateCounter<long>("clusterlb.stream.bytes", "By", "Bytes relayed by tcp and udp services, by service, protocol and direction (upstream: client to host, downstream: host to client).");
        _dropped = _meter.CreateCounter<long>("clusterlb.stream.dropped", "{datagram}", "UDP datagrams dropped by max-packets-per-second or max-connections, by service and reason.");
    }

    /// <summary>Counts a connection or session that started (and is now open) or was turned away.</summary>
    public void Started(string service, string protocol, string pool, string host, string outcome)
    {
        if (_connections.Enabled)
        {
            _connections.Add(1, new TagList
            {
                { "service", service },
                { "protocol", protocol },
                { "pool", pool },
                { "host", host },
                { "outcome", outcome },
            });
        }
        if (outcome == StreamOutcomes.Proxied)
        {
            _open.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("protocol", protocol));
        }
    }

    /// <summary>Counts a proxied connection or session that ended and what it relayed.</summary>
    public void Ended(string service, string protocol, long upstreamBytes, long downstreamBytes)
    {
        var s = new KeyValuePair<string, object?>("service", service);
        var p = new KeyValuePair<string, object?>("protocol", protocol);
        _open.Add(-1, s, p);
        if (_bytes.Enabled)
        {
            _bytes.Add(upstreamBytes, s, p, new KeyValuePair<string, object?>("direction", "upstream"));
            _bytes.Add(downstreamBytes, s, p, new KeyValuePair<string, object?>("direction", "downstream"));
        }
    }

    /// <summary>Counts a datagram dropped for <paramref name="reason"/> (rate, sessions).</summary>
    public void Dropped(string service, string reason)
    {
        if (_dropped.Enabled)
        {
            _dropped.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}

/// <summary>The <c>outcome</c> label values of <c>clusterlb.stream.connections</c>.</summary>
public static class StreamOutcomes
{
    /// <summary>Connected to a host and relayed.</summary>
    public const string Proxied = "proxied";

    /// <summary>No pool had a healthy host.</summary>
    public const string NoHost = "no-host";

    /// <summary>Every host tried refused or timed out.</summary>
    public const string ConnectFailed = "connect-failed";

    /// <summary>Turned away by max-connections.</summary>
    public const string Refused = "refused";
}
