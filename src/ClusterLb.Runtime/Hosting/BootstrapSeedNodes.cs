using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Management.Cluster.Bootstrap;
using Akka.Management.Cluster.Bootstrap.ContactPoint;
using Newtonsoft.Json;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// The answer of this node's contact point to Cluster Bootstrap's probe (<c>GET /bootstrap/seed-nodes</c>), in
/// Akka.Management's own JSON protocol (its <see cref="HttpBootstrapJsonProtocol.SeedNodes"/> type, serialized as
/// its prober deserializes it): this node's address and the members a joining node may use as seeds. Served by the
/// node in place of Akka.Management's HTTP server (see <see cref="ClusterJoin"/>), with the same rules.
/// </summary>
public sealed class BootstrapSeedNodes
{
    /// <summary>The route Akka's prober asks on each contact point.</summary>
    public const string Path = "/bootstrap/seed-nodes";

    private readonly AkkaCluster _cluster;
    private readonly int _maxSeedNodes;

    /// <summary>The answer of <paramref name="system"/>'s contact point.</summary>
    public BootstrapSeedNodes(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        _cluster = AkkaCluster.Get(system);
        _maxSeedNodes = ClusterBootstrapSettings.Create(system.Settings.Config, Akka.Event.Logging.GetLogger(system, typeof(BootstrapSeedNodes)))
            .ContactPoint.MaxSeedNodesToExpose;
    }

    /// <summary>The JSON body for this node's current cluster state.</summary>
    public string Json()
    {
        var self = _cluster.SelfMember;
        // A node on its way out offers no seeds: a newcomer must not join through it.
        if (self.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Leaving or MemberStatus.Removed)
        {
            return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.UniqueAddress.Address, []));
        }
        var state = _cluster.State;
        var members = state.Members
            .Where(m => !state.Unreachable.Contains(m))
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Take(_maxSeedNodes)
            .Select(m => new HttpBootstrapJsonProtocol.ClusterMember(m.UniqueAddress.Address, m.UniqueAddress.Uid, m.Status, m.Roles))
            .ToImmutableList();
        return JsonConvert.SerializeObject(new HttpBootstrapJsonProtocol.SeedNodes(self.UniqueAddress.Address, members));
    }
}
