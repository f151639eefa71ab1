using ClusterLb.Cluster.Sbr;
using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Sbr;

internal static class SbrTestViews
{
    public static UniqueAddress N(string host) => Node(host);

    /// <summary>Five Up members a..e (up numbers 1..5) unless given.</summary>
    public static Member[] Five() =>
        new[] { "a", "b", "c", "d", "e" }.Select((h, i) => M(h, MemberStatus.Up, i + 1)).ToArray();

    /// <summary>A view from <paramref name="self"/> where it observes <paramref name="unreachable"/> as unreachable.</summary>
    public static SbrWorldView View(string self, IEnumerable<Member> members, params string[] unreachable)
    {
        var r = unreachable.Aggregate(Reachability.Empty, (acc, u) => acc.Unreachable(N(self), N(u)));
        return new SbrWorldView(N(self), members, r, [N(self)]);
    }

    public static string[] Hosts(IEnumerable<UniqueAddress> nodes) => nodes.Select(n => n.Address.Host!).Order().ToArray();
}
