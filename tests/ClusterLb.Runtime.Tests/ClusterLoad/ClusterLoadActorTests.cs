using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using ClusterLb.Balancing.Algorithms;
using ClusterLb.Balancing.ClusterLoad;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.ClusterLoad;
using ClusterLb.Runtime.ClusterLoad.Wire;
using ClusterLb.Runtime.Tests.Support;
using AkkaCluster = Akka.Cluster.Cluster;

namespace ClusterLb.Runtime.Tests.ClusterLoad;

/// <summary>
/// The cluster-load actor on a real (single-member) cluster: it publishes this node's counters on the topic, takes
/// another node's report into the host's counters, and drops it once stale.
/// </summary>
public sealed class ClusterLoadActorTests : ClusterTestKit
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private static readonly ClusterLoadSettings Fast = new() { Interval = TimeSpan.FromMilliseconds(100), StaleAfter = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public async Task It_publishes_this_nodes_counters_and_counts_another_nodes_report_until_it_goes_stale()
    {
        var (handles, host) = OneHost();
        RouteHandle.Track(host);
        var topic = CreateTestProbe();
        var mediator = DistributedPubSub.Get(Sys).Mediator;
        mediator.Tell(new Subscribe(ClusterLoadActor.Topic, topic.Ref), topic.Ref);
        topic.ExpectMsg<SubscribeAck>();

        var actor = Sys.ActorOf(ClusterLoadActor.Props(Fast, handles), ClusterLoadActor.Name);

        var own = topic.ExpectMsg<ClusterLoadReport>(Deadline);
        Assert.Equal(AkkaCluster.Get(Sys).SelfAddress.ToString(), own.Node);
        var sample = own.Pools.Single().Hosts.Single();
        Assert.Equal(("web", "main", "b1", 1, 1L), (own.Pools[0].Service, own.Pools[0].Pool, sample.Host, sample.InFlight, sample.Picks));
        await AwaitConditionAsync(() => Task.FromResult(host.Counters.ClusterNodes == 1 && host.Counters.RemoteInFlight == 0), Deadline, ClusterSystems.PollInterval, "our own report alone");

        actor.Tell(Report(sentMs: 1_000, inFlight: 4, picks: 10));
        actor.Tell(Report(sentMs: 1_500, inFlight: 4, picks: 60));
        await AwaitConditionAsync(() => Task.FromResult(host.Counters.RemoteInFlight == 4 && host.Counters.ClusterNodes == 2 && host.Counters.ClusterInFlight == 5
            && host.Counters.ClusterRequestsPerSecond >= 100), Deadline, ClusterSystems.PollInterval, "the other node's 4 in flight and 100 requests/s");

        // No further report from the other node: after stale-after it no longer counts.
        await AwaitConditionAsync(() => Task.FromResult(host.Counters.RemoteInFlight == 0 && host.Counters.ClusterNodes == 1), Deadline, ClusterSystems.PollInterval, "the stale report dropped");
        RouteHandle.Complete(host, default);
    }

    private static ClusterLoadReport Report(long sentMs, int inFlight, long picks) => new()
    {
        Node = "akka.tcp://clusterlb-test@10.0.0.9:4053",
        SentMs = sentMs,
        Pools = { new PoolLoad { Service = "web", Pool = "main", Hosts = { new HostLoad { Host = "b1", InFlight = inFlight, Picks = picks } } } },
    };

    private static (IReadOnlyDictionary<string, RouteHandle> Handles, UpstreamHost Host) OneHost()
    {
        var host = new UpstreamHost("web", "main", new HostSettings("b1", new Uri("http://127.0.0.1:1/")), PassiveHealthSettings.Default, NullOutcomeSink.Instance);
        var handle = new RouteHandle("web");
        handle.Publish(new RoutingSnapshot("web", 1, [new PoolRoute("main", 0, new LeastRequestPolicy(), [host], [host])]));
        return (new Dictionary<string, RouteHandle> { ["web"] = handle }, host);
    }
}
