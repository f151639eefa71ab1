using ClusterLb.Balancing.Health;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Balancing.Actors;

/// <summary>The balancing actors' structured log lines.</summary>
internal static partial class BalancingLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Host {Service}/{Pool}/{Host} is now {Health}: {Reason}")]
    public static partial void HostWentDown(this ILogger logger, string service, string pool, string host, HostHealth health, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Host {Service}/{Pool}/{Host} is now {Health}: {Reason}")]
    public static partial void HostCameUp(this ILogger logger, string service, string pool, string host, HostHealth health, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Service {Service} routing snapshot v{Version}: {Healthy}/{Total} hosts healthy, active pool {ActivePool}")]
    public static partial void SnapshotPublished(this ILogger logger, string service, long version, int healthy, int total, string activePool);

    [LoggerMessage(Level = LogLevel.Error, Message = "Service {Service} has no healthy host in any pool; requests get 503")]
    public static partial void NoHealthyHost(this ILogger logger, string service);
}
