using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>The audit entry of an applied registry command.</summary>
/// <param name="Action">Such as <c>pool-create</c>, <c>host-down</c>.</param>
/// <param name="Target"><c>pool</c> or <c>pool/host</c>.</param>
/// <param name="Detail">The command's fields and the consistency reached, as <c>key=value</c> pairs.</param>
public sealed record RegistryAudit(string Action, string Target, string Detail)
{
    /// <summary>Describes <paramref name="command"/>, applied with <paramref name="consistency"/>.</summary>
    public static RegistryAudit Of(RegistryCommand command, string consistency)
    {
        var (action, target, fields) = command switch
        {
            CreatePool c => ("pool-create", c.Id, $"service={c.Service} method={c.Method.ToConfigName()} priority={c.Priority} "),
            UpdatePool u => ("pool-update", u.PoolId,
                (u.Method is { } m ? $"method={m.ToConfigName()} " : "") + (u.Priority is { } p ? $"priority={p} " : "") + (u.Options is { } o ? $"options={o} " : "")),
            DeletePool d => ("pool-delete", d.PoolId, ""),
            AddHost a => ("host-add", $"{a.PoolId}/{a.Id}", $"address={a.Address} weight={a.Weight} "),
            UpdateHost h => ("host-update", $"{h.PoolId}/{h.HostId}", $"weight={h.Weight} "),
            RemoveHost r => ("host-remove", $"{r.PoolId}/{r.HostId}", ""),
            SetHostState s => ($"host-{PoolDocument.StateName(s.State)}", $"{s.PoolId}/{s.HostId}", ""),
            _ => (command.GetType().Name.ToLowerInvariant(), "-", ""),
        };
        return new RegistryAudit(action, target, $"{fields}consistency={consistency}");
    }
}
