using System.Collections.Frozen;
using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Routing;

/// <summary>One pool inside a <see cref="RoutingSnapshot"/>: its policy and the hosts routable at publication.</summary>
/// <param name="Id">Pool id.</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Policy">The pool's policy instance (kept across snapshots so rotations continue).</param>
/// <param name="Healthy">Hosts that may receive traffic, in configuration order (in panic mode: every host not taken out by the operator).</param>
/// <param name="All">Every host of the pool, healthy or not (for status and metrics).</param>
public sealed record PoolRoute(string Id, int Priority, IBalancingPolicy Policy, ImmutableArray<UpstreamHost> Healthy, ImmutableArray<UpstreamHost> All)
{
    private readonly FrozenDictionary<ulong, UpstreamHost> _byAffinityId = Healthy.IsDefaultOrEmpty
        ? FrozenDictionary<ulong, UpstreamHost>.Empty
        : Healthy.ToFrozenDictionary(h => h.AffinityId);

    /// <summary>The pool's method.</summary>
    public BalancingMethod Method { get; init; } = BalancingMethod.RoundRobin;

    /// <summary>The pool's options.</summary>
    public BalancingOptions Options { get; init; } = BalancingOptions.Default;

    /// <summary>The request key the front end hashes for this pool (null when the method needs none).</summary>
    public HashKey? Key => Options.KeyFor(Method);

    /// <summary>True when the pool is in panic mode (too few healthy hosts: <see cref="Healthy"/> holds all of them).</summary>
    public bool Panic { get; init; }

    /// <summary>Client-IP affinity memory, kept across snapshots (null without client-IP affinity).</summary>
    public ClientAffinityTable? ClientAffinity { get; init; }

    /// <summary>Places a client on its first host by consistent hashing of its IP, alike on every node (client-IP affinity).</summary>
    public IBalancingPolicy? ClientPlacement { get; init; }

    /// <summary>The routable host with <paramref name="affinityId"/>, or null (down, drained, removed or unknown).</summary>
    public UpstreamHost? FindByAffinityId(ulong affinityId) => _byAffinityId.GetValueOrDefault(affinityId);

    /// <summary>
    /// Picks for one request: the sticky cookie's or the client's remembered host when it is still routable and
    /// untried, otherwise the policy's choice (or, with client-IP affinity, the client's consistent-hash place).
    /// </summary>
    public UpstreamHost? Pick(in PickContext context)
    {
        switch (Options.Affinity.Mode)
        {
            case AffinityMode.StickyCookie when context.HasAffinityId:
                if (FindByAffinityId(context.AffinityId) is { } sticky && !context.WasTried(sticky))
                {
                    return sticky;
                }
                break;
            case AffinityMode.ClientIp when ClientAffinity is { } table:
                if (table.TryGet(context.ClientHash, context.Timestamp, out var remembered)
                    && FindByAffinityId(remembered) is { } known && !context.WasTried(known))
                {
                    return known;
                }
                var placement = new PickContext(context.ClientHash, true, default);
                var placed = context.Attempt == 0 && ClientPlacement is { } place ? place.Pick(Healthy, placement) : Policy.Pick(Healthy, context);
                if (placed is not null)
                {
                    table.Remember(context.ClientHash, placed.AffinityId, context.Timestamp);
                }
                return placed;
        }
        return Policy.Pick(Healthy, context);
    }
}
