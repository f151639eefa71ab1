using System.Diagnostics;

namespace ClusterLb.Proxy.Observability;

/// <summary>One access log line before formatting; built on the request thread, formatted by the writer.</summary>
/// <param name="Time">When the response completed (UTC).</param>
/// <param name="Client">The real client address (<see cref="Forwarding.ClientAddressResolver"/>: the peer, or behind trusted proxies the client they name); null when unknown. Turned into text by the writer, not the request.</param>
/// <param name="Method">Request method.</param>
/// <param name="Host">Request Host header.</param>
/// <param name="Path">Request path (the query string is left out: it often carries secrets).</param>
/// <param name="Status">Status code sent to the client.</param>
/// <param name="BytesSent">Response body bytes sent.</param>
/// <param name="Service">Matched service, empty when none.</param>
/// <param name="Pool">Pool of the picked host, empty when none.</param>
/// <param name="UpstreamHost">Id of the picked host, empty when none.</param>
/// <param name="UpstreamAddress">Address of the picked host, empty when none.</param>
/// <param name="UpstreamDuration">Pick to end of the forwarded exchange.</param>
/// <param name="Duration">Request received to response complete.</param>
/// <param name="Retries">Further attempts after the first.</param>
/// <param name="TraceId">W3C trace id of the request's span; default when it has none.</param>
public readonly record struct AccessLogEntry(
    DateTime Time,
    System.Net.IPAddress? Client,
    string Method,
    string Host,
    string Path,
    int Status,
    long BytesSent,
    string Service,
    string Pool,
    string UpstreamHost,
    string UpstreamAddress,
    TimeSpan UpstreamDuration,
    TimeSpan Duration,
    int Retries,
    ActivityTraceId TraceId);
