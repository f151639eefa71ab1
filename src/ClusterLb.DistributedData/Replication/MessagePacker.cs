using Google.Protobuf;

namespace ClusterLb.DistributedData.Replication;

/// <summary>
/// Packs protobuf entries into batches whose encoded size stays under a message limit, so no replicator message
/// can exceed the transport's frame limit. An entry too large on its own is reported and left out.
/// </summary>
internal static class MessagePacker
{
    // Room for the enclosing message's own fields (sender id, flags) besides the repeated entries.
    private const int HeaderAllowance = 512;

    public static List<List<T>> Pack<T>(IEnumerable<T> entries, int maxMessageSize, int maxElements, Action<T, int> onOversized)
        where T : IMessage
    {
        var budget = maxMessageSize - HeaderAllowance;
        var batches = new List<List<T>>();
        var current = new List<T>();
        var currentSize = 0;
        foreach (var entry in entries)
        {
            // Tag byte(s) plus length prefix plus body, as a repeated message field is encoded.
            var size = 2 + CodedOutputStream.ComputeMessageSize(entry);
            if (size > budget)
            {
                onOversized(entry, size);
                continue;
            }

            if (current.Count > 0 && (currentSize + size > budget || current.Count >= maxElements))
            {
                batches.Add(current);
                current = [];
                currentSize = 0;
            }

            current.Add(entry);
            currentSize += size;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}
