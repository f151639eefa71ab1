using System.Collections.Concurrent;
using ClusterLb.Actors;
using ClusterLb.Remote.Tests.Messages;
using ClusterLb.Remote.Tests.Support;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Remote.Tests.Actors;

public sealed class RemoteDeathWatchTests
{
    [Fact]
    public async Task A_watcher_learns_that_a_remote_actor_stopped()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var remoteTarget = a.RemoteUser(b, "target");
        var terminated = new ConcurrentQueue<Terminated>();
        a.System.ActorOf(Props.Create(() => new WatcherActor(remoteTarget, terminated)), "watcher");
        await WatchEstablishedAsync(a, remoteTarget);

        b.System.Stop(target);

        await Eventually.True(() => !terminated.IsEmpty, "the watcher got Terminated");
        var t = Assert.Single(terminated);
        Assert.Equal(remoteTarget, t.ActorRef);
        Assert.True(t.ExistenceConfirmed);
        Assert.False(t.AddressTerminated);
        Assert.Equal(0, a.Watcher.Count);
    }

    [Fact]
    public async Task Watching_a_remote_actor_that_does_not_exist_yields_terminated()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        var missing = a.RemoteUser(b, "missing");
        var terminated = new ConcurrentQueue<Terminated>();

        a.System.ActorOf(Props.Create(() => new WatcherActor(missing, terminated)), "watcher");

        await Eventually.True(() => !terminated.IsEmpty, "the watcher got Terminated");
        Assert.False(terminated.Single().ExistenceConfirmed);
    }

    [Fact]
    public async Task Address_terminated_tells_every_watcher_of_that_node()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "one");
        b.System.ActorOf(Props.Create(() => new EchoActor()), "two");
        var terminated = new ConcurrentQueue<Terminated>();
        a.System.ActorOf(Props.Create(() => new WatcherActor(a.RemoteUser(b, "one"), terminated)), "w1");
        a.System.ActorOf(Props.Create(() => new WatcherActor(a.RemoteUser(b, "two"), terminated)), "w2");
        await Eventually.True(() => a.Watcher.Count == 2, "both watches are recorded");

        a.Watcher.AddressTerminated(b.Address());

        await Eventually.True(() => terminated.Count == 2, "both watchers got Terminated");
        Assert.All(terminated, t => Assert.True(t.AddressTerminated));
        Assert.All(terminated, t => Assert.False(t.ExistenceConfirmed));
        Assert.Equal(new[] { "one", "two" }, terminated.Select(t => t.ActorRef.Path.Name).Order());
    }

    [Fact]
    public async Task Quarantining_a_node_terminates_the_watches_on_it()
    {
        await using var a = await RemoteSystems.StartAsync();
        await using var b = await RemoteSystems.StartAsync();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var remoteTarget = a.RemoteUser(b, "target");
        var terminated = new ConcurrentQueue<Terminated>();
        a.System.ActorOf(Props.Create(() => new WatcherActor(remoteTarget, terminated)), "watcher");
        await WatchEstablishedAsync(a, remoteTarget);

        a.Quarantine(b.Address(), b.SelfAddress.Uid, "removed");

        await Eventually.True(() => !terminated.IsEmpty, "the watcher got Terminated");
        Assert.True(terminated.Single().AddressTerminated);
    }

    [Fact]
    public async Task A_node_killed_and_restarted_on_its_port_is_a_new_incarnation_and_old_watches_end()
    {
        await using var a = await RemoteSystems.StartAsync();
        var b = await RemoteSystems.StartAsync();
        b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var remoteTarget = a.RemoteUser(b, "target");
        var terminated = new ConcurrentQueue<Terminated>();
        a.System.ActorOf(Props.Create(() => new WatcherActor(remoteTarget, terminated)), "watcher");
        await WatchEstablishedAsync(a, remoteTarget);
        var oldUid = b.SelfAddress.Uid;
        var port = b.Transport.BoundEndPoint!.Port;
        await b.Transport.DisposeAsync(); // the process "dies": its socket closes without any goodbye

        await using var b2 = await RemoteSystems.StartAsync(TestNode.Settings(port: port));
        var received = new ConcurrentQueue<(Ping Ping, IActorRef Sender)>();
        b2.System.ActorOf(Props.Create(() => new CollectorActor(received)), "collector");
        var collector = a.RemoteUser(b2, "collector");
        await Eventually.True(() =>
        {
            collector.Tell(new Ping { Seq = 1 });
            return !received.IsEmpty;
        }, "the new incarnation receives messages");

        Assert.True(a.Transport.IsQuarantined(oldUid));
        await Eventually.True(() => !terminated.IsEmpty, "the watch on the old incarnation ended");
        Assert.True(terminated.Single().AddressTerminated);
        await b.System.Terminate();
    }

    [Fact]
    public async Task A_watch_sent_while_the_link_is_down_survives_the_reconnect()
    {
        var faults = new TransportFaults();
        var settings = TestNode.Settings() with { SystemMessageResendInterval = TimeSpan.FromHours(1) };
        await using var a = await RemoteSystems.StartAsync(settings, faults);
        await using var b = await RemoteSystems.StartAsync(faults: faults);
        var target = b.System.ActorOf(Props.Create(() => new EchoActor()), "target");
        var remoteTarget = a.RemoteUser(b, "target");
        await remoteTarget.Ask<Pong>(new Ping(), TimeSpan.FromSeconds(20)); // association up
        faults.Block(a.Address(), b.Address());
        var terminated = new ConcurrentQueue<Terminated>();

        a.System.ActorOf(Props.Create(() => new WatcherActor(remoteTarget, terminated)), "watcher");
        await Eventually.True(() => a.Transport.Metrics.DroppedByFault >= 1, "the watch was lost on the wire");
        faults.Unblock(a.Address(), b.Address());
        a.Transport.AbortConnections(b.Address());
        await Eventually.True(() => a.Transport.GetAssociationState(b.Address())!.UnackedSystemMessages == 0, "the watch was resent and acknowledged");
        b.System.Stop(target);

        await Eventually.True(() => !terminated.IsEmpty, "the watcher got Terminated");
        Assert.True(terminated.Single().ExistenceConfirmed);
    }

    /// <summary>Waits until the watch reached the other node (its system message was acknowledged).</summary>
    private static Task WatchEstablishedAsync(Remoting watcherNode, IActorRef remoteTarget)
        => Eventually.True(() => watcherNode.Watcher.Count >= 1
            && watcherNode.Transport.GetAssociationState(((RemoteActorRef)remoteTarget).Node) is { UnackedSystemMessages: 0, Connected: true },
            "the watch reached the remote node");
}
