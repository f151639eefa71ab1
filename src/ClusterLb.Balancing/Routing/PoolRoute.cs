using System.Collections.Immutable;
using ClusterLb.Balancing.Algorithms;

namespace ClusterLb.Balancing.Routing;

/// <summary>One pool inside a <see cref="RoutingSnapshot"/>: its policy and the hosts healthy at publication.</summary>
/// <param name="Id">Pool id.</param>
/// <param name="Priority">Lower is preferred.</param>
/// <param name="Policy">The pool's policy instance (kept across snapshots so rotations continue).</param>
/// <param name="Healthy">Hosts that may receive traffic, in configuration order.</param>
/// <param name="All">Every host of the pool, healthy or not (for status and metrics).</param>
public sealed record PoolRoute(string Id, int Priority, IBalancingPolicy Policy, ImmutableArray<UpstreamHost> Healthy, ImmutableArray<UpstreamHost> All);
