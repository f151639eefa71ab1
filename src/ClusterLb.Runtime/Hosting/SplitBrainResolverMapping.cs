using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// <c>clusterlb.cluster.split-brain-resolver</c> onto Akka's SBR. The downing provider is always Akka's
/// <c>SplitBrainResolverProvider</c>: a cluster without downing keeps unreachable members Up forever and never moves
/// its singletons (akka.net #3348), so there is no way to turn it off by omission.
/// </summary>
internal static class SplitBrainResolverMapping
{
    /// <summary>Akka's SBR downing provider.</summary>
    public const string ProviderClass = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster";

    private const string Sbr = "akka.cluster.split-brain-resolver";

    private static readonly string[] Strategies = ["keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority"];

    public static void Map(Config sbr, AkkaConfigTree tree)
    {
        tree.Set("akka.cluster.downing-provider-class", ProviderClass);
        var m = new KeyMapper(sbr, tree, "clusterlb.cluster.split-brain-resolver");
        var strategy = sbr.GetString("active-strategy", "keep-majority").Trim();
        if (!Strategies.Contains(strategy))
        {
            throw new HoconException(sbr.GetValue("active-strategy")!.Origin,
                $"clusterlb.cluster.split-brain-resolver.active-strategy = {strategy}: expected one of {string.Join(", ", Strategies)}");
        }
        tree.Set(Sbr + ".active-strategy", strategy);
        m.Duration("stable-after", Sbr + ".stable-after");
        if (m.Has("down-all-when-unstable"))
        {
            // on | off | a duration: Akka takes all three.
            var value = sbr.GetValue("down-all-when-unstable");
            var onOff = value is HoconBoolean b ? (b.Value ? "on" : "off")
                : value is HoconString s && s.Value.Trim().ToLowerInvariant() is "on" or "true" or "yes" ? "on"
                : ClusterLbValues.IsOff(sbr, "down-all-when-unstable") ? "off" : null;
            tree.Set(Sbr + ".down-all-when-unstable", onOff ?? ClusterLbValues.Duration(sbr, "down-all-when-unstable"));
        }

        m.String("keep-majority.role", Sbr + ".keep-majority.role");
        m.String("static-quorum.role", Sbr + ".static-quorum.role");
        m.Bool("keep-oldest.down-if-alone", Sbr + ".keep-oldest.down-if-alone");
        m.String("keep-oldest.role", Sbr + ".keep-oldest.role");
        m.String("lease-majority.lease-implementation", Sbr + ".lease-majority.lease-implementation");
        m.String("lease-majority.lease-name", Sbr + ".lease-majority.lease-name");
        m.Duration("lease-majority.acquire-lease-delay-for-minority", Sbr + ".lease-majority.acquire-lease-delay-for-minority");
        m.Duration("lease-majority.release-after", Sbr + ".lease-majority.release-after");
        m.String("lease-majority.role", Sbr + ".lease-majority.role");

        if (strategy == "static-quorum")
        {
            // Akka only notices a missing quorum-size when the resolver starts; say it at configuration time instead.
            var origin = sbr.GetValue("static-quorum.quorum-size")?.Origin ?? sbr.GetValue("active-strategy")!.Origin;
            var text = sbr.GetString("static-quorum.quorum-size", "undefined");
            if (!int.TryParse(text, out var quorum) || quorum < 1)
            {
                throw new HoconException(origin, "clusterlb.cluster.split-brain-resolver.static-quorum.quorum-size must be a number >= 1 with active-strategy = static-quorum");
            }
            tree.Set(Sbr + ".static-quorum.quorum-size", quorum);
        }
        if (strategy == "lease-majority" && sbr.GetString("lease-majority.lease-implementation", "").Trim().Length == 0)
        {
            throw new HoconException(sbr.GetValue("active-strategy")!.Origin,
                "clusterlb.cluster.split-brain-resolver.lease-majority.lease-implementation must name the lease's config path with active-strategy = lease-majority");
        }
    }
}
