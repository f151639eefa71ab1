using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary><c>clusterlb.cluster.*</c> (membership, failure detector, singleton) onto <c>akka.cluster</c>.</summary>
internal static class ClusterMapping
{
    public static void Map(Config config, AkkaConfigTree tree, IReadOnlyList<string> seeds)
    {
        tree.Set("akka.actor.provider", "cluster");
        tree.Set("akka.cluster.seed-nodes", seeds.ToList());

        var c = new KeyMapper(config.GetConfig("clusterlb.cluster", Config.Empty), tree, "clusterlb.cluster");
        // Every ClusterLb node has the role clusterlb, whatever else it lists: the registry's replicator, the event
        // mediator and the discovery singleton run on these members only, so backend services that join the cluster
        // as members (discovery.type = akka-cluster) never hold a registry replica nor count for its majority.
        var roles = c.Has("roles") ? c.Block.GetStringList("roles").ToList() : [];
        if (!roles.Contains(Backend.BackendContract.LoadBalancerRole))
        {
            roles.Insert(0, Backend.BackendContract.LoadBalancerRole);
        }
        tree.Set("akka.cluster.roles", roles);
        tree.Set("akka.cluster.pub-sub.role", Backend.BackendContract.LoadBalancerRole);
        c.String("app-version", "akka.cluster.app-version");
        c.Int("min-nr-of-members", "akka.cluster.min-nr-of-members", min: 1);
        MapRoles(c.Block, tree);
        c.Duration("gossip-interval", "akka.cluster.gossip-interval");
        c.Duration("gossip-time-to-live", "akka.cluster.gossip-time-to-live");
        c.Double("gossip-different-view-probability", "akka.cluster.gossip-different-view-probability");
        c.Int("reduce-gossip-different-view-probability", "akka.cluster.reduce-gossip-different-view-probability", min: 1);
        c.Duration("leader-actions-interval", "akka.cluster.leader-actions-interval");
        c.Duration("unreachable-nodes-reaper-interval", "akka.cluster.unreachable-nodes-reaper-interval");
        c.Duration("seed-node-timeout", "akka.cluster.seed-node-timeout");
        c.DurationOrOff("retry-unsuccessful-join-after", "akka.cluster.retry-unsuccessful-join-after");
        c.DurationOrOff("shutdown-after-unsuccessful-join-seed-nodes", "akka.cluster.shutdown-after-unsuccessful-join-seed-nodes");
        c.DurationOrOff("allow-weakly-up-members", "akka.cluster.allow-weakly-up-members");
        c.DurationOrOff("down-removal-margin", "akka.cluster.down-removal-margin");
        c.Duration("prune-gossip-tombstones-after", "akka.cluster.prune-gossip-tombstones-after");
        c.Bool("run-coordinated-shutdown-when-down", "akka.cluster.run-coordinated-shutdown-when-down");
        c.Bool("log-info", "akka.cluster.log-info");

        var fd = new KeyMapper(c.Block.GetConfig("failure-detector", Config.Empty), tree, "clusterlb.cluster.failure-detector");
        const string Fd = "akka.cluster.failure-detector.";
        fd.Double("threshold", Fd + "threshold");
        fd.Int("max-sample-size", Fd + "max-sample-size", min: 1);
        fd.Duration("min-std-deviation", Fd + "min-std-deviation");
        fd.Duration("acceptable-heartbeat-pause", Fd + "acceptable-heartbeat-pause");
        fd.Duration("heartbeat-interval", Fd + "heartbeat-interval");
        fd.Int("monitored-by-nr-of-members", Fd + "monitored-by-nr-of-members", min: 1);
        fd.Duration("expected-response-after", Fd + "expected-response-after");

        var singleton = new KeyMapper(c.Block.GetConfig("singleton", Config.Empty), tree, "clusterlb.cluster.singleton");
        singleton.Duration("hand-over-retry-interval", "akka.cluster.singleton.hand-over-retry-interval");
        singleton.Int("min-number-of-hand-over-retries", "akka.cluster.singleton.min-number-of-hand-over-retries", min: 1);

        SplitBrainResolverMapping.Map(c.Block.GetConfig("split-brain-resolver", Config.Empty), tree);
    }

    // role { lb.min-nr-of-members = 2 } -> akka.cluster.role.lb.min-nr-of-members = 2; Akka reads nothing else there.
    private static void MapRoles(Config cluster, AkkaConfigTree tree)
    {
        if (cluster.GetValue("role") is not HoconObject roles) return;
        foreach (var role in roles.Keys)
        {
            if (roles.TryGetValue(role, out var value) && value is not HoconObject)
            {
                throw new HoconException(value.Origin, $"clusterlb.cluster.role.{role}: expected {{ min-nr-of-members = N }}");
            }
            if (role.Contains('.'))
            {
                throw new HoconException(value.Origin, $"clusterlb.cluster.role.\"{role}\": role names cannot contain dots");
            }
            var settings = cluster.GetConfig($"role.\"{role}\"");
            foreach (var key in settings.Keys)
            {
                if (key != "min-nr-of-members")
                {
                    throw new HoconException(settings.GetValue(key)!.Origin, $"clusterlb.cluster.role.{role}.{key}: unknown key (Akka reads only min-nr-of-members per role)");
                }
            }
            tree.Set($"akka.cluster.role.{role}.min-nr-of-members", settings.GetInt("min-nr-of-members"));
        }
    }
}
