using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Registry;

/// <summary>What changed between two applied registry states, as operator-readable lines.</summary>
public static class RegistryDiff
{
    /// <summary>True when <paramref name="a"/> and <paramref name="b"/> hold the same pool (records compare arrays by reference).</summary>
    public static bool Same(PoolSpec? a, PoolSpec? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.Id == b.Id && a.Service == b.Service && a.Method == b.Method
            && a.Priority == b.Priority && a.Options == b.Options && a.Hosts.SequenceEqual(b.Hosts));

    /// <summary>One (pool, host, detail) entry per change from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public static IEnumerable<(PoolSpec Pool, string? Host, string Detail)> Changes(IReadOnlyDictionary<string, PoolSpec> before, IReadOnlyDictionary<string, PoolSpec> after)
    {
        foreach (var (id, old) in before.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!after.ContainsKey(id))
            {
                yield return (old, null, "pool deleted");
            }
        }
        foreach (var (id, now) in after.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!before.TryGetValue(id, out var old))
            {
                yield return (now, null, $"pool created ({now.Method.ToConfigName()}, priority {now.Priority}, {now.Hosts.Length} hosts)");
                continue;
            }
            if (old.Method != now.Method)
            {
                yield return (now, null, $"method {old.Method.ToConfigName()} -> {now.Method.ToConfigName()}");
            }
            if (old.Priority != now.Priority)
            {
                yield return (now, null, $"priority {old.Priority} -> {now.Priority}");
            }
            if (old.Options != now.Options)
            {
                yield return (now, null, "options changed");
            }
            var oldHosts = old.Hosts.ToDictionary(h => h.Id, StringComparer.Ordinal);
            var newHosts = now.Hosts.ToDictionary(h => h.Id, StringComparer.Ordinal);
            foreach (var h in old.Hosts.Where(h => !newHosts.ContainsKey(h.Id)))
            {
                yield return (now, h.Id, "host removed");
            }
            foreach (var h in now.Hosts)
            {
                if (!oldHosts.TryGetValue(h.Id, out var was))
                {
                    yield return (now, h.Id, $"host added ({h.Address}, weight {h.Weight}, {RegistryCodec.StateName(h.State)})");
                    continue;
                }
                if (was.Address != h.Address)
                {
                    yield return (now, h.Id, $"address {was.Address} -> {h.Address}");
                }
                if (was.Weight != h.Weight)
                {
                    yield return (now, h.Id, $"weight {was.Weight} -> {h.Weight}");
                }
                if (was.State != h.State)
                {
                    yield return (now, h.Id, $"state {RegistryCodec.StateName(was.State)} -> {RegistryCodec.StateName(h.State)}");
                }
            }
        }
    }
}
