using System.Collections.Immutable;
using Akka.DistributedData;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Balancing;

namespace ClusterLb.Runtime.Registry;

/// <summary>From the balancer to a router: the service's pools as the registry now holds them (priority order).</summary>
/// <param name="Service">Service name.</param>
/// <param name="Pools">Every pool of the service.</param>
public sealed record ServicePools(string Service, ImmutableArray<PoolSpec> Pools);

/// <summary>From the registry actor to the balancer: the registry applied on this node, per service.</summary>
/// <param name="Services">Pools per service name; every configured service has an entry (possibly empty).</param>
/// <param name="Changed">Services whose pools differ from the previous state (all of them the first time).</param>
public sealed record RegistryApplied(ImmutableDictionary<string, ImmutableArray<PoolSpec>> Services, ImmutableHashSet<string> Changed);

/// <summary>From a (re)started router to the balancer: send me my pools.</summary>
/// <param name="Service">Service name.</param>
public sealed record RouterReady(string Service);

/// <summary>The registry as one node's replica held it at a moment: the route table, every pool and the version.</summary>
/// <param name="Routes">Pool id to service.</param>
/// <param name="PoolMaps">The value of every routed pool's key that exists.</param>
/// <param name="Version">The registry version counter.</param>
/// <param name="Seeded">Pools this node seeded from the configuration.</param>
internal sealed record RegistryLoad(ImmutableDictionary<string, string> Routes, ImmutableDictionary<string, LWWDictionary<string, string>> PoolMaps, ulong Version, ImmutableArray<string> Seeded);
