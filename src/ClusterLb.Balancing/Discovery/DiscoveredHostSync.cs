using System.Collections.Immutable;
using ClusterLb.Balancing.Registry;

namespace ClusterLb.Balancing.Discovery;

/// <summary>
/// What a pool key needs so that its hosts from one source are exactly the ones the source reports: entries to add
/// or change, and tombstones for hosts the source dropped. Static hosts, and hosts of other sources, are never
/// touched; a discovered host whose id a static host already uses is left out and named.
/// </summary>
public static class DiscoveredHostSync
{
    /// <summary>The entry writes that bring <paramref name="entries"/> (a pool key's map) to <paramref name="found"/>.</summary>
    /// <param name="entries">The pool key's entries: host id to its <see cref="RegistryCodec"/> JSON.</param>
    /// <param name="source">The discovery type that reports <paramref name="found"/>.</param>
    /// <param name="found">Every host the source reports now.</param>
    public static DiscoveredHostChanges Plan(IReadOnlyDictionary<string, string> entries, string source, IReadOnlyCollection<DiscoveredHost> found)
    {
        var writes = ImmutableArray.CreateBuilder<KeyValuePair<string, string>>();
        var clashes = ImmutableArray.CreateBuilder<string>();
        var wanted = new Dictionary<string, DiscoveredHost>(StringComparer.Ordinal);
        foreach (var host in found)
        {
            wanted.TryAdd(host.Id, host);
        }
        foreach (var (id, host) in wanted.OrderBy(h => h.Key, StringComparer.Ordinal))
        {
            HostSpec? current = null;
            if (entries.TryGetValue(id, out var json) && !RegistryCodec.IsRemoved(json) && RegistryCodec.TryDecodeHost(id, json, out var decoded))
            {
                current = decoded;
            }
            if (current is not null && current.Source != source)
            {
                clashes.Add(id);
                continue;
            }
            var next = new HostSpec(id, host.Address, host.Weight, host.Draining ? HostAdminState.Drain : HostAdminState.Up) { Source = source };
            if (current != next)
            {
                writes.Add(new(id, RegistryCodec.EncodeHost(next)));
            }
        }
        foreach (var (id, json) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (id != RegistryCodec.PoolEntry && !wanted.ContainsKey(id) && !RegistryCodec.IsRemoved(json)
                && RegistryCodec.TryDecodeHost(id, json, out var host) && host.Source == source)
            {
                writes.Add(new(id, RegistryCodec.Removed));
            }
        }
        return new DiscoveredHostChanges(writes.ToImmutable(), clashes.ToImmutable());
    }
}

/// <summary>The outcome of <see cref="DiscoveredHostSync.Plan"/>.</summary>
/// <param name="Writes">Entry id to new value (<see cref="RegistryCodec.Removed"/> for a dropped host); empty when nothing changes.</param>
/// <param name="Clashes">Ids the source reports that a host of another source (a static one) already holds.</param>
public sealed record DiscoveredHostChanges(ImmutableArray<KeyValuePair<string, string>> Writes, ImmutableArray<string> Clashes);
