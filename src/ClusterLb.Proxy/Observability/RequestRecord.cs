using ClusterLb.Balancing.Routing;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// The facts the request path knows about one proxied request, handed to <see cref="RequestRecorder"/> once the
/// response is complete. A struct: recording allocates nothing when only metrics are on.
/// </summary>
/// <param name="ReceivedTimestamp"><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the request arrived.</param>
/// <param name="Service">The matched service, null when none matched (404).</param>
/// <param name="Host">The host that answered (the last one tried), null when none was picked (404, 503).</param>
/// <param name="UpstreamDuration">The last attempt's time from pick to the end of the forwarded exchange; zero without a host.</param>
/// <param name="Retries">Further attempts after the first, each on another host.</param>
public readonly record struct RequestRecord(long ReceivedTimestamp, string? Service, UpstreamHost? Host, TimeSpan UpstreamDuration, int Retries = 0);
