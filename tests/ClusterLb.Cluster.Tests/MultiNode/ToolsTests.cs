using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Cluster.Tools;
using Google.Protobuf.WellKnownTypes;

namespace ClusterLb.Cluster.Tests.MultiNode;

[Collection(MultiNodeCollection.Name)]
public class ToolsTests
{
    /// <summary>Answers any StringValue with the address of the node it runs on.</summary>
    private sealed class WhereAmI : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not StringValue) return false;
            Sender.Tell(new StringValue { Value = Cluster.Get(Context.System).SelfAddress.ToString() }, Self);
            return true;
        }
    }

    /// <summary>Collects the StringValues it receives.</summary>
    private sealed class Collector(ConcurrentQueue<string> into) : ActorBase
    {
        protected override bool Receive(object message)
        {
            if (message is not StringValue s) return false;
            into.Enqueue(s.Value);
            return true;
        }
    }

    private static void RegisterTestMessages(TestCluster c)
    {
        foreach (var n in c.Nodes) n.Remoting.Transport.Serializer.Register(StringValue.Descriptor);
    }

    [Fact]
    public async Task The_singleton_runs_on_the_oldest_member_and_hands_over_to_the_next_oldest_on_leave()
    {
        await using var c = await TestCluster.StartAsync(3);
        RegisterTestMessages(c);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        foreach (var n in c.Nodes) n.System.ActorOf(ClusterSingletonManager.Props(Props.Create(() => new WhereAmI())), "where");
        var status = await c.Nodes[0].StatusAsync();
        var byAge = status.Members.OrderBy(m => m.UpNumber).Select(m => c.Nodes.Single(n => n.Uid == m.Uid)).ToList();
        var (oldest, next, youngest) = (byAge[0], byAge[1], byAge[2]);
        var proxy = youngest.System.ActorOf(ClusterSingletonProxy.Props("/user/where"), "where-proxy");

        var first = await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(30));
        Assert.Equal(oldest.Address.ToString(), first.Value);

        oldest.Cluster.Leave(oldest.Address);
        await oldest.Cluster.WhenTerminated.WaitAsync(Eventually.DefaultDeadline);
        await Eventually.Until(async () =>
        {
            var answer = await proxy.Ask<StringValue>(new StringValue { Value = "?" }, TimeSpan.FromSeconds(5));
            return (answer.Value == next.Address.ToString(), answer.Value);
        }, "the proxy reaches the singleton on the next oldest member");
    }

    [Fact]
    public async Task A_publish_reaches_the_topic_subscribers_on_every_node()
    {
        await using var c = await TestCluster.StartAsync(3);
        RegisterTestMessages(c);
        c.JoinAll();
        await TestCluster.AgreeAsync(c.Nodes, c.Nodes);
        var received = c.Nodes.Select(_ => new ConcurrentQueue<string>()).ToList();
        for (var i = 1; i < c.Nodes.Count; i++)
        {
            var q = received[i];
            var sub = c.Nodes[i].System.ActorOf(Props.Create(() => new Collector(q)), "sub");
            var mediator = DistributedPubSub.Get(c.Nodes[i].System).Mediator;
            await mediator.Ask<SubscribeAck>(new Subscribe("news", sub), TimeSpan.FromSeconds(10));
            await mediator.Ask<SubscribeAck>(new Subscribe("other", sub), TimeSpan.FromSeconds(10));
        }
        var publisher = DistributedPubSub.Get(c.Nodes[0].System).Mediator;

        await Eventually.Until(() =>
        {
            publisher.Tell(new Publish("news", new StringValue { Value = "hello" }));
            return Task.FromResult((received[1].Contains("hello") && received[2].Contains("hello"),
                $"node1={received[1].Count} node2={received[2].Count}"));
        }, "both remote subscribers received the publish");
        Assert.Empty(received[0]);
        Assert.All(received.Skip(1), q => Assert.All(q, v => Assert.Equal("hello", v)));
    }
}
