using Microsoft.Extensions.Logging;

namespace ClusterLb.DistributedData.Replication;

internal static partial class ReplicatorLog
{
    [LoggerMessage(EventId = 6001, Level = LogLevel.Error,
        Message = "Replicated key {Key} is {Size} bytes serialized, over the {Limit}-byte message limit: it is NOT sent by {Path}. Split the data into smaller keys.")]
    private static partial void LogOversized(ILogger logger, string key, int size, int limit, string path);

    public static void Oversized(ILogger logger, string key, int size, int limit, string path)
    {
        ReplicatorMetrics.OversizedValues.Add(1);
        LogOversized(logger, key, size, limit, path);
    }

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Replicator dropped a {Message} for key {Key} from {Peer}: {Reason}")]
    public static partial void BadMessage(ILogger logger, string message, string key, string peer, string reason);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "Delta {Seq} of key {Key} from {Origin} skipped: holding {Current}; asking for full state")]
    private static partial void LogDeltaGap(ILogger logger, long seq, string key, string origin, long current);

    public static void DeltaGap(ILogger logger, long seq, string key, string origin, long current)
    {
        ReplicatorMetrics.DeltaGaps.Add(1);
        LogDeltaGap(logger, seq, key, origin, current);
    }

    [LoggerMessage(EventId = 6004, Level = LogLevel.Information, Message = "Pruning of removed replica {Removed} from key {Key} {Phase}")]
    public static partial void Pruning(ILogger logger, string removed, string key, string phase);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "Replica {Replica} {Change}; {Peers} peers known")]
    public static partial void Membership(ILogger logger, string replica, string change, int peers);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Information, Message = "Loaded {Count} durable keys")]
    public static partial void DurableLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "Storing durable key {Key} failed")]
    public static partial void DurableStoreFailed(ILogger logger, Exception exception, string key);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "Durable key {Key} could not be read and is skipped: {Reason}")]
    public static partial void DurableEntrySkipped(ILogger logger, string key, string reason);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Warning,
        Message = "Durable keys {DurableKeys} are configured but the system has no SQL persistence registered; they are not persisted")]
    public static partial void DurableWithoutPersistence(ILogger logger, string durableKeys);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information,
        Message = "Distributed data in cluster mode as replica {Replica}; durable keys {DurableKeys} in {Store}")]
    public static partial void ClusterMode(ILogger logger, string replica, string durableKeys, string store);
}
