using ClusterLb.Balancing.Health;
using Microsoft.Extensions.Logging;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Registry;

namespace ClusterLb.Runtime.Balancing;

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

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry loaded: {Pools} pools, version {Version}; seeded from configuration: {Seeded}")]
    public static partial void RegistryLoaded(this ILogger logger, int pools, ulong version, string seeded);

    [LoggerMessage(Level = LogLevel.Error, Message = "Registry seeding or loading failed; routing follows registry changes as they arrive")]
    public static partial void RegistryLoadFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry change applied: {Service}/{Pool}/{Host}: {Detail}")]
    public static partial void RegistryChangeApplied(this ILogger logger, string service, string pool, string host, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry entry skipped: {Problem}")]
    public static partial void RegistryEntrySkipped(this ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry pool {Pool} names service {Service}, which this node's configuration does not define; ignored")]
    public static partial void RegistryUnknownService(this ILogger logger, string pool, string service);
}
