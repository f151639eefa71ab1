using System.Diagnostics.Metrics;

namespace ClusterLb.DistributedData.Replication;

/// <summary>The replicator's counters (meter <c>ClusterLb.DistributedData</c>), tagged with the replica's address.</summary>
internal static class ReplicatorMetrics
{
    public static readonly Meter Meter = new("ClusterLb.DistributedData");

    /// <summary>Messages sent to peers, by kind (delta, status, gossip, write, read).</summary>
    public static readonly Counter<long> MessagesSent = Meter.CreateCounter<long>("clusterlb.ddata.messages_sent");

    /// <summary>Protobuf bytes sent to peers, by kind.</summary>
    public static readonly Counter<long> BytesSent = Meter.CreateCounter<long>("clusterlb.ddata.bytes_sent", unit: "By");

    /// <summary>Deltas dropped because of a gap in their origin's sequence (each triggers a full-state fetch).</summary>
    public static readonly Counter<long> DeltaGaps = Meter.CreateCounter<long>("clusterlb.ddata.delta_gaps");

    /// <summary>Values not sent because they exceed max-message-size.</summary>
    public static readonly Counter<long> OversizedValues = Meter.CreateCounter<long>("clusterlb.ddata.oversized_values");

    public static void Sent(string kind, int bytes, int peers = 1)
    {
        var tag = new KeyValuePair<string, object?>("kind", kind);
        MessagesSent.Add(peers, tag);
        BytesSent.Add((long)bytes * peers, tag);
    }
}
