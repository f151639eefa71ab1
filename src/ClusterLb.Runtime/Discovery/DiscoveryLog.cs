using Microsoft.Extensions.Logging;

namespace ClusterLb.Runtime.Discovery;

/// <summary>The discovery actors' structured log lines.</summary>
internal static partial class DiscoveryLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Discovery of pool {Pool} ({Source}) runs on this node: {Detail}")]
    public static partial void DiscoveryStarted(this ILogger logger, string pool, string source, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool}: {Source} discovery wrote {Count} hosts ({Hosts}), consistency {Consistency}")]
    public static partial void HostsWritten(this ILogger logger, string pool, string source, int count, string hosts, string consistency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: {Source} discovery: {Reason}")]
    public static partial void WriteWarning(this ILogger logger, string pool, string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: {Source} discovery could not write its hosts; retrying in {RetryMs} ms")]
    public static partial void WriteFailed(this ILogger logger, Exception exception, string pool, string source, long retryMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: DNS resolution failed ({Error}); keeping the last {Count} hosts, next try in {RetryMs} ms, then at a doubling pause (said once until it answers again)")]
    public static partial void DnsFailed(this ILogger logger, string pool, string error, int count, long retryMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: {Error}; the last hosts are dropped once it has had no answer for {HoldMs} ms")]
    public static partial void DnsNoAnswer(this ILogger logger, string pool, string error, long holdMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool}: DNS resolution answers again ({Count} hosts)")]
    public static partial void DnsRecovered(this ILogger logger, string pool, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: backend member {Member} announced '{Url}', which is not an absolute http(s) URL; left out")]
    public static partial void BackendEndpointRefused(this ILogger logger, string pool, string member, string url);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool}: lists the EndpointSlices of Service {Service} in namespace {Namespace} every {IntervalMs} ms")]
    public static partial void KubernetesListing(this ILogger logger, string pool, string service, string @namespace, long intervalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: Kubernetes discovery failed ({Error}); keeping the last {Count} hosts, retrying every {RetryMs} ms (said once until it answers again)")]
    public static partial void KubernetesFailed(this ILogger logger, string pool, string error, int count, long retryMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Pool {Pool}: the Kubernetes API answers again after {Failures} failed lists ({Count} hosts)")]
    public static partial void KubernetesRecovered(this ILogger logger, string pool, int failures, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pool {Pool}: Kubernetes discovery: {Note}")]
    public static partial void KubernetesNote(this ILogger logger, string pool, string note);
}
