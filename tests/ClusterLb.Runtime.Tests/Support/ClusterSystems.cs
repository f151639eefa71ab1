using Akka.Actor;
using Akka.Cluster;
using Akka.Configuration;
using Akka.DistributedData;
using Akka.Remote;
using Akka.Remote.Transport;
using Akka.TestKit;

namespace ClusterLb.Runtime.Tests.Support;

/// <summary>
/// Real cluster members in the test process: remoting on 127.0.0.1 with an OS-chosen port, formed into one cluster
/// over loopback sockets. Every node carries Akka's throttler adapter so a test can cut the link between two nodes.
/// </summary>
internal static class ClusterSystems
{
    /// <summary>Systems of one cluster share a name.</summary>
    public const string Name = "clusterlb-test";

    public static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How often awaited conditions are re-checked (TestKit's AwaitCondition sleeps long without one).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    // Durable keys off: the LMDB store cannot run here, and the SQL store is not in this branch. Tests that need a
    // durable store configure MemoryDurableStore. No downing: a cut link must heal, not split the cluster for good.
    private const string Base = """
        akka {
          loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp {
            hostname = 127.0.0.1
            port = 0
            applied-adapters = [trttl]
          }
          cluster {
            downing-provider-class = ""
            # Faster rounds than a production cluster: members come Up and leave in a fraction of a second.
            periodic-tasks-initial-delay = 0s
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            distributed-data {
              gossip-interval = 200ms
              notify-subscribers-interval = 50ms
              durable.keys = []
            }
          }
        }
        """;

    // DistributedData's defaults (and its serializer bindings) are in from the start: a member whose extension is not
    // started yet cannot read the replicator messages a peer already gossips to it.
    public static Config Config(string extraHocon = "") =>
        ConfigurationFactory.ParseString(extraHocon)
            .WithFallback(ConfigurationFactory.ParseString(Base))
            .WithFallback(DistributedData.DefaultConfig());

    /// <summary>A member not yet joined (see <see cref="FormAsync"/>).</summary>
    public static ActorSystem Create(string extraHocon = "") => ActorSystem.Create(Name, Config(extraHocon));

    /// <summary>Starts <paramref name="count"/> members and forms them into one cluster; the caller terminates them.</summary>
    public static async Task<ActorSystem[]> StartAsync(TestKitBase kit, int count, string extraHocon = "")
    {
        var systems = Enumerable.Range(0, count).Select(_ => Create(extraHocon)).ToArray();
        await FormAsync(kit, systems);
        return systems;
    }

    /// <summary>
    /// Joins every system to the first (which joins itself unless it is a member already) and returns when each
    /// sees every one Up and each replicator counts every node, so a WriteMajority or ReadMajority spans them all.
    /// </summary>
    public static async Task FormAsync(TestKitBase kit, params ActorSystem[] systems)
    {
        var seed = Cluster.Get(systems[0]);
        foreach (var system in systems.Where(s => Cluster.Get(s).SelfMember.Status != MemberStatus.Up))
        {
            Cluster.Get(system).Join(seed.SelfAddress);
        }
        foreach (var system in systems)
        {
            var self = Cluster.Get(system);
            await kit.AwaitConditionAsync(() => self.State.Members.Count(m => m.Status == MemberStatus.Up) == systems.Length,
                FormTimeout, PollInterval, $"{self.SelfAddress} to see {systems.Length} members Up");
            var replicator = DistributedData.Get(system).Replicator;
            await kit.AwaitConditionAsync(async () => (await replicator.Ask<ReplicaCount>(GetReplicaCount.Instance, FormTimeout)).N == systems.Length,
                FormTimeout, PollInterval, $"{self.SelfAddress}'s replicator to count {systems.Length} nodes");
        }
    }

    /// <summary>Cuts (or restores) the link between two members in both directions, as a network partition would.</summary>
    public static async Task SetLinkAsync(ActorSystem a, ActorSystem b, bool connected)
    {
        ThrottleMode mode = connected ? Unthrottled.Instance : Blackhole.Instance;
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)a).Provider).Transport;
        var done = await transport.ManagementCommand(new SetThrottle(Cluster.Get(b).SelfAddress, ThrottleTransportAdapter.Direction.Both, mode));
        if (!done)
        {
            throw new InvalidOperationException($"the throttler refused to change the link to {Cluster.Get(b).SelfAddress}");
        }
    }
}
