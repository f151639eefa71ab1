using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class DeathWatchTests : ActorTestBase
{
    [Fact]
    public async Task Watcher_gets_Terminated_when_the_subject_stops()
    {
        var probe = CreateProbe();
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        await probe.WatchAsync(subject);
        Sys.Stop(subject);
        var terminated = await probe.ExpectMsgAsync<Terminated>();
        Assert.Equal(subject, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.Equal(subject, probe.LastSender);
    }

    [Fact]
    public async Task Watching_an_already_dead_actor_yields_Terminated_at_once()
    {
        var probe = CreateProbe();
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        await probe.WatchAsync(subject);
        Sys.Stop(subject);
        await probe.ExpectMsgAsync<Terminated>();

        var late = CreateProbe();
        await late.WatchAsync(subject);
        var terminated = await late.ExpectMsgAsync<Terminated>();
        Assert.Equal(subject, terminated.ActorRef);
        Assert.False(terminated.ExistenceConfirmed);
    }

    [Fact]
    public async Task Watching_Nobody_or_dead_letters_yields_Terminated()
    {
        var probe = CreateProbe();
        await probe.WatchAsync(ActorRefs.Nobody);
        Assert.Equal(ActorRefs.Nobody, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Unwatch_suppresses_Terminated_even_if_already_queued()
    {
        var probe = CreateProbe();
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        var gate = new TaskCompletionSource();
        var watcher = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            switch (msg)
            {
                case "watch":
                    self.Context.Watch(subject);
                    self.Sender.Tell("watching");
                    break;
                case "block-then-unwatch":
                    // While we block, the subject dies and its Terminated is queued behind us.
                    gate.Task.Wait();
                    self.Context.Unwatch(subject);
                    break;
                case Terminated t:
                    probe.Ref.Tell(t);
                    break;
                default:
                    probe.Ref.Tell(msg);
                    break;
            }

            return true;
        }));
        Assert.Equal("watching", await watcher.Ask<string>("watch", Timeout));
        await probe.WatchAsync(subject);
        watcher.Tell("block-then-unwatch");
        Sys.Stop(subject);
        Assert.Equal(subject, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        gate.SetResult();
        watcher.Tell("marker");
        await probe.ExpectMsgAsync("marker");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Unhandled_Terminated_is_a_DeathPactException_that_stops_the_watcher()
    {
        var probe = CreateProbe();
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        var watcher = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            if (msg is "watch")
            {
                self.Context.Watch(subject);
                self.Sender.Tell("ok");
                return true;
            }

            return false;
        }));
        Assert.Equal("ok", await watcher.Ask<string>("watch", Timeout));
        await probe.WatchAsync(watcher);
        Sys.Stop(subject);
        Assert.Equal(watcher, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        Assert.Contains(Logs.Entries, e => e.Exception is DeathPactException);
    }

    [Fact]
    public async Task A_parent_stops_after_all_its_children_and_watchers_see_the_order()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Counter.Props(probe.Ref, "p"));
        await probe.ExpectMsgAsync("p:PreStart");
        await parent.Ask<IActorRef>("spawn:k1", Timeout);
        await probe.ExpectMsgAsync("k1:PreStart");
        await probe.WatchAsync(parent);
        Sys.Stop(parent);
        await probe.ExpectMsgAsync("k1:PostStop");
        await probe.ExpectMsgAsync("p:PostStop");
        await probe.ExpectMsgAsync<Terminated>();
    }

    [Fact]
    public async Task GracefulStop_completes_after_queued_messages_and_PostStop()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Counter.Props(probe.Ref, "g"));
        await probe.ExpectMsgAsync("g:PreStart");
        actor.Tell("a");
        actor.Tell("count", probe.Ref);
        Assert.True(await actor.GracefulStop(Timeout));
        Assert.Equal(1, await probe.ExpectMsgAsync<int>());
        await probe.ExpectMsgAsync("g:PostStop");
        Assert.True(await actor.GracefulStop(Timeout), "an already stopped actor counts as stopped");
    }

    [Fact]
    public async Task GracefulStop_returns_false_when_the_actor_does_not_stop_in_time()
    {
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(LambdaActor.Props((_, msg) =>
        {
            gate.Task.Wait();
            return true;
        }));
        actor.Tell("block");
        Assert.False(await actor.GracefulStop(TimeSpan.FromMilliseconds(100)));
        gate.SetResult();
    }

    [Fact]
    public async Task Forward_keeps_the_original_sender()
    {
        var probe = CreateProbe();
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        var forwarder = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            echo.Forward(msg, self.Context);
            return true;
        }));
        forwarder.Tell("hi", probe.Ref);
        await probe.ExpectMsgAsync("hi");
        Assert.Equal(echo, probe.LastSender);
    }
}
