using System.Text.Json.Serialization;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Reporting;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>A host as the admin API shows it.</summary>
/// <param name="Id">Host id, unique in its pool.</param>
/// <param name="Address">Where requests go.</param>
/// <param name="Weight">Relative share of requests.</param>
/// <param name="State">Operator state: <c>up</c>, <c>down</c> or <c>drain</c>.</param>
/// <param name="Source"><c>static</c> (HOCON or this API) or the discovery type that found the host (<c>dns</c>); only static hosts can be edited.</param>
/// <param name="Health">This node's verdict (<c>up</c>, <c>down</c>, <c>unknown</c>); null in write answers.</param>
/// <param name="InFlight">Requests in flight from this node; null in write answers.</param>
public sealed record HostDocument(
    string Id,
    string Address,
    int Weight,
    string State,
    string Source,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Health,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? InFlight);

/// <summary>A pool as the admin API shows it.</summary>
/// <param name="Id">Pool id, unique in the registry.</param>
/// <param name="Service">The service it serves.</param>
/// <param name="Method">The balancing method (<c>round-robin</c>, <c>least-request</c>, <c>hash</c>, ...).</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Options">The method's options, affinity, slow start and panic threshold (only those set).</param>
/// <param name="Hosts">Hosts ordered by id.</param>
public sealed record PoolDocument(string Id, string Service, string Method, int Priority, PoolOptionsStatus Options, IReadOnlyList<HostDocument> Hosts)
{
    /// <summary>A pool read from this node's replica, with health.</summary>
    public static PoolDocument From(PoolView view) =>
        new(view.Id, view.Service, view.Method, view.Priority, PoolOptionsStatus.From(view.Options),
            [.. view.Hosts.Select(h => new HostDocument(h.Spec.Id, h.Spec.Address.ToString(), h.Spec.Weight, StateName(h.Spec.State), h.Spec.Source, h.Health, h.InFlight))]);

    /// <summary>A pool as a write left it (no health yet).</summary>
    public static PoolDocument From(PoolSpec spec) =>
        new(spec.Id, spec.Service, spec.Method.ToConfigName(), spec.Priority, PoolOptionsStatus.From(spec.Options),
            [.. spec.Hosts.Select(h => new HostDocument(h.Id, h.Address.ToString(), h.Weight, StateName(h.State), h.Source, null, null))]);

    /// <summary>The API name of a host state.</summary>
    public static string StateName(HostAdminState state) => state switch
    {
        HostAdminState.Up => "up",
        HostAdminState.Down => "down",
        HostAdminState.Drain => "drain",
        _ => state.ToString().ToLowerInvariant(),
    };
}

/// <summary>The answer to an applied registry write.</summary>
/// <param name="Consistency"><c>majority</c> or <c>local</c> (only this node confirmed; it spreads by gossip).</param>
/// <param name="Warning">Why only <c>local</c> was reached; absent otherwise.</param>
/// <param name="Pool">The pool after the write; null after a pool delete.</param>
public sealed record RegistryWriteDocument(
    string Consistency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Warning,
    PoolDocument? Pool);

/// <summary>A registry error: <c>invalid</c> (400), <c>not-found</c> (404), <c>conflict</c> (409) and the body errors.</summary>
/// <param name="Error">Short error name.</param>
/// <param name="Field">The offending field; null when no single field is at fault.</param>
/// <param name="Reason">What is wrong.</param>
public sealed record RegistryErrorDocument(string Error, string? Field, string Reason);
