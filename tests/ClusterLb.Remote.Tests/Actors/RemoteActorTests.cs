using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Remote.Tests.Actors;

public sealed class RemoteActorTests
{
    [Fact]
    public async Task Two_systems_exchange_ten_thousand_messages_in_order()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        var received = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        b.System.ActorOf(Props.Create(() => new CollectorActor(received)), "collector");
        var sender = a.System.ActorOf(Props.Create(() => new EchoActor()), "sender");
        var collector = a.RemoteUser(b, "collector");
        Assert.IsType<RemoteActorRef>(collector);
        const int count = 10_000;

        for (var i = 0; i < count; i++)
        {
            collector.Tell(new Ping { Seq = i }, sender);
        }

        await Eventually.True(() => received.Count == count, $"{count} messages arrived");
        Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), received.Select(r => r.Ping.Seq));
        var seenSender = received.First().Sender;
        Assert.IsType<RemoteActorRef>(seenSender);
        Assert.Equal(sender.Path.ToString(), seenSender.Path.ToString());
        Assert.Equal(sender.Path.Uid, seenSender.Path.Uid);
    }

    [Fact]
    public async Task Three_systems_keep_per_sender_order_and_answer_each_other()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        await using var c = await RemoteSystems.StartAsync();
        var atB = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        b.System.ActorOf(Props.Create(() => new CollectorActor(atB)), "collector");
        c.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var fromA = a.RemoteUser(b, "collector");
        var fromC = c.RemoteUser(b, "collector");
        const int count = 3_000;

        for (var i = 0; i < count; i++)
        {
            fromA.Tell(new Ping { Seq = i, Text = "a" });
            fromC.Tell(new Ping { Seq = i, Text = "c" });
        }

        var pong = await a.RemoteUser(c, "echo").Ask<Pong>(new Ping { Seq = 5 }, TimeSpan.FromSeconds(20));

        Assert.Equal(5, pong.Seq);
        await Eventually.True(() => atB.Count == 2 * count, "every message reached b");
        foreach (var origin in new[] { "a", "c" })
        {
            Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), atB.Where(r => r.Ping.Text == origin).Select(r => r.Ping.Seq));
        }
    }

    [Fact]
    public async Task Ask_across_nodes_gets_the_reply()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "echo");
        var echo = a.RemoteUser(b, "echo");

        var replies = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => echo.Ask<Pong>(new Ping { Seq = i }, TimeSpan.FromSeconds(20))));

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), replies.Select(p => p.Seq));
    }

    [Fact]
    public async Task Telling_a_remote_actor_a_non_protobuf_message_is_logged_and_dropped_not_thrown()
    {
        var logs = new CapturingLoggerProvider();
        await using var a = await RemoteSystems.StartAsync(logs: logs);
        await using var b = await RemoteSystems.StartAsync();
        var received = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        b.System.ActorOf(Props.Create(() => new CollectorActor(received)), "collector");
        var collector = a.RemoteUser(b, "collector");
        var deadLettersBefore = a.System.DeadLetterCount;

        collector.Tell("not protobuf");
        collector.Tell(new Ping { Seq = 1 });

        await Eventually.True(() => received.Count == 1, "the protobuf message arrived");
        Assert.Equal(1, a.Transport.Metrics.DroppedUnserializable);
        Assert.Equal(deadLettersBefore + 1, a.System.DeadLetterCount);
        Assert.True(logs.Contains(LogLevel.Error, "System.String is not a protobuf message"));
    }

    [Fact]
    public async Task Messages_reach_a_new_actor_started_under_the_name_of_a_stopped_one()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        var first = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        var old = b.System.ActorOf(Props.Create(() => new CollectorActor(first)), "collector");
        var collector = a.RemoteUser(b, "collector");
        collector.Tell(new Ping { Seq = 1 });
        await Eventually.True(() => first.Count == 1, "the first incarnation received a message");
        b.System.Stop(old);

        // The name is free once the guardian has processed the stop.
        var second = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        await Eventually.True(() => TryStart(b.System, "collector", () => new CollectorActor(second)), "a new actor took the name");
        collector.Tell(new Ping { Seq = 2 });

        await Eventually.True(() => second.Count == 1, "the new actor received the next message");
        Assert.Equal(2, second.Single().Ping.Seq);
    }

    private static bool TryStart(ActorSystem system, string name, Func<ActorBase> factory)
    {
        try
        {
            system.ActorOf(Props.Create(factory), name);
            return true;
        }
        catch (InvalidActorNameException)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_message_to_a_missing_remote_actor_becomes_a_dead_letter_there()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        var before = b.System.DeadLetterCount;

        a.RemoteUser(b, "nobody-here").Tell(new Ping { Seq = 1 });

        await Eventually.True(() => b.System.DeadLetterCount > before, "b recorded a dead letter");
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_and_published_on_the_event_stream()
    {
        await using var a = await RemoteSystems.StartAsync(TestNode.Settings(secret: "one"));
        await using var b = await RemoteSystems.StartAsync(TestNode.Settings(secret: "two"));
        var refusals = new ConcurrentQueue<HandshakeRefusedEvent>();
        var recorder = b.System.ActorOf(Props.Create(() => new EventRecorder<HandshakeRefusedEvent>(refusals)), "recorder");
        b.System.EventStream.Subscribe(recorder, typeof(HandshakeRefusedEvent));
        var received = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        b.System.ActorOf(Props.Create(() => new CollectorActor(received)), "collector");

        a.RemoteUser(b, "collector").Tell(new Ping { Seq = 1 });

        await Eventually.True(() => !refusals.IsEmpty, "b published the refusal");
        Assert.Equal(Wire.RefusalReason.SecretMismatch, refusals.First().Reason);
        Assert.Empty(received);
    }
}

public sealed class RemotingConfigTests
{
    [Fact]
    public async Task A_node_starts_from_hocon_and_advertises_its_public_name()
    {
        var config = ClusterLb.Hocon.ConfigFactory.ParseString("""
            clusterlb.remote { system-name = lb, hostname = "127.0.0.1", port = 0, public-hostname = "localhost", secret = "s" }
            """).Resolve();

        await using var node = await Remoting.StartAsync(config);

        Assert.Equal("lb", node.System.Name);
        Assert.Equal("localhost", node.SelfAddress.Address.Host);
        Assert.Equal(node.Transport.BoundEndPoint!.Port, node.SelfAddress.Address.Port);
        Assert.Equal($"clb://lb@localhost:{node.SelfAddress.Address.Port}", node.System.Address.ToString());
        Assert.Same(node, Remoting.Get(node.System));
    }
}
