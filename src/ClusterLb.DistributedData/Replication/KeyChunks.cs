namespace ClusterLb.DistributedData.Replication;

/// <summary>Assigns keys to anti-entropy chunks with a hash that is the same on every node (string.GetHashCode is not).</summary>
internal static class KeyChunks
{
    public static int ChunkOf(string key, int totalChunks)
    {
        if (totalChunks <= 1)
        {
            return 0;
        }

        var hash = 2166136261u; // FNV-1a
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)totalChunks);
    }
}
