namespace ClusterLb.Balancing.Settings;

/// <summary>A pool's balancing options beyond the method itself.</summary>
/// <param name="HashKey">The request key of <c>hash</c> (required there); <c>ip-hash</c> uses the client IP.</param>
/// <param name="HashBalanceFactor">
/// Consistent hashing with bounded loads: no host takes more than this factor × the pool's mean in-flight
/// requests (plus one); a key whose host is full goes to the next host of its probe sequence. Zero turns the bound off.
/// </param>
/// <param name="SlowStart">A host that becomes healthy ramps from 10 % of its weight to all of it over this time; zero is off.</param>
/// <param name="PanicThreshold">Below this percentage of healthy hosts the pool balances over all its hosts that are not operator-down; zero is off.</param>
/// <param name="Affinity">Sticky cookie or client-IP affinity.</param>
public sealed record BalancingOptions(HashKey? HashKey, double HashBalanceFactor, TimeSpan SlowStart, int PanicThreshold, AffinitySettings Affinity)
{
    /// <summary>No key, no bound, no slow start, no panic mode, no affinity.</summary>
    public static BalancingOptions Default { get; } = new(null, 0, TimeSpan.Zero, 0, AffinitySettings.None);

    /// <summary>
    /// Whose requests in flight <c>least-request</c> weighs: this node's (<see cref="LoadScope.Node"/>, the default)
    /// or the whole cluster's (<see cref="LoadScope.Cluster"/>). The other methods ignore it.
    /// </summary>
    public LoadScope LoadScope { get; init; } = LoadScope.Node;

    /// <summary>The key <paramref name="method"/> hashes: the client IP for <c>ip-hash</c>, <see cref="HashKey"/> for <c>hash</c>, else null.</summary>
    public HashKey? KeyFor(BalancingMethod method) => method switch
    {
        BalancingMethod.IpHash => Settings.HashKey.ClientIp,
        BalancingMethod.Hash => HashKey,
        _ => null,
    };
}
