using Google.Protobuf;

namespace ClusterLb.DistributedData.Crdt.Serialization;

/// <summary>
/// Orders set elements and map keys before they are written, so equal values serialize to equal bytes on every node.
/// The replicator's anti-entropy compares digests of those bytes; hash-ordered dictionaries iterate differently in
/// every process (string hashing is randomized), which would make every key look different and re-send it.
/// </summary>
internal static class CanonicalOrder
{
    /// <summary>The keys in ordinal order for text, bytes and integers; nested data keys keep their (stable in-process) order.</summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> keys) =>
        Comparers<T>.Instance is { } comparer ? keys.Order(comparer) : keys;

    private static class Comparers<T>
    {
        public static readonly IComparer<T>? Instance =
            typeof(T) == typeof(string) ? (IComparer<T>)(object)StringComparer.Ordinal
            : typeof(T) == typeof(long) ? (IComparer<T>)(object)Comparer<long>.Default
            : typeof(T) == typeof(ByteString) ? (IComparer<T>)(object)ByteStringComparer.Instance
            : null;
    }

    private sealed class ByteStringComparer : IComparer<ByteString>
    {
        public static readonly ByteStringComparer Instance = new();

        public int Compare(ByteString? x, ByteString? y) =>
            x is null || y is null ? (x is null ? 0 : 1) - (y is null ? 0 : 1) : x.Span.SequenceCompareTo(y.Span);
    }
}
