using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Registry;

/// <summary>A change to the replicated registry, as the admin API asks for it.</summary>
public abstract record RegistryCommand;

/// <summary>Creates an empty pool in <paramref name="Service"/>.</summary>
public sealed record CreatePool(string Id, string Service, BalancingMethod Method, int Priority) : RegistryCommand
{
    /// <summary>The method's options, affinity, slow start and panic threshold.</summary>
    public BalancingOptions Options { get; init; } = BalancingOptions.Default;
}

/// <summary>Changes a pool's method, priority and/or options; null keeps the current value.</summary>
/// <param name="PoolId">The pool.</param>
/// <param name="Method">New method, or null.</param>
/// <param name="Priority">New priority, or null.</param>
/// <param name="Options">
/// The option fields to change, as a JSON object in <see cref="BalancingOptionsJson"/>'s format (applied over the
/// pool's current options inside the replicated write), or null.
/// </param>
public sealed record UpdatePool(string PoolId, BalancingMethod? Method, int? Priority, string? Options = null) : RegistryCommand;

/// <summary>Deletes a pool and its hosts (their in-flight requests finish).</summary>
public sealed record DeletePool(string PoolId) : RegistryCommand;

/// <summary>Adds a host (state <see cref="HostAdminState.Up"/>) to a pool.</summary>
public sealed record AddHost(string PoolId, string Id, Uri Address, int Weight) : RegistryCommand;

/// <summary>Changes a host's weight.</summary>
public sealed record UpdateHost(string PoolId, string HostId, int Weight) : RegistryCommand;

/// <summary>Removes a host; it is drained, not cut off.</summary>
public sealed record RemoveHost(string PoolId, string HostId) : RegistryCommand;

/// <summary>Sets a host's operator state (down, up, drain).</summary>
public sealed record SetHostState(string PoolId, string HostId, HostAdminState State) : RegistryCommand;

/// <summary>
/// Makes the pool's hosts from <paramref name="Source"/> exactly <paramref name="Hosts"/> (a discovery source's
/// latest answer); static hosts are left alone. Written by the discovery singleton, not accepted from the admin API.
/// </summary>
public sealed record SyncDiscoveredHosts(string PoolId, string Source, System.Collections.Immutable.ImmutableArray<Discovery.DiscoveredHost> Hosts) : RegistryCommand;
