using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace ClusterLb.Balancing.Routing;

/// <summary>
/// The 64-bit hash every node computes alike (XxHash3 over UTF-16 code units, seed 0), unlike
/// <see cref="string.GetHashCode()"/>, which is randomised per process. Request keys, host positions on the
/// consistent-hash table and sticky-cookie ids all use it, so the same key picks the same host on every node.
/// </summary>
public static class StableHash
{
    /// <summary>Hash of <paramref name="text"/>.</summary>
    public static ulong Of(ReadOnlySpan<char> text) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text));

    /// <summary>Hash of raw bytes (an IP address, say).</summary>
    public static ulong Of(ReadOnlySpan<byte> bytes) => XxHash3.HashToUInt64(bytes);

    /// <summary>Hash of <paramref name="text"/> under another seed (a second, independent hash of the same text).</summary>
    public static ulong Of(ReadOnlySpan<char> text, long seed) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(text), seed);
}
