using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class BehaviorTests : ActorTestBase
{
    private sealed class Switch : ReceiveActor
    {
        public Switch()
        {
            Receive<string>(s => Sender.Tell("off:" + s), s => s != "toggle");
            Receive<string>(_ => Become(On));
            Receive<int>(i => Sender.Tell(i * 2));
        }

        private void On()
        {
            Receive<string>(_ => Context.Unbecome(), s => s == "toggle");
            Receive<string>(s => Sender.Tell("on:" + s));
        }
    }

    [Fact]
    public async Task ReceiveActor_matches_handlers_in_order_with_predicates()
    {
        var actor = Sys.ActorOf(Props.Create<Switch>());
        Assert.Equal("off:a", await actor.Ask<string>("a", Timeout));
        Assert.Equal(4, await actor.Ask<int>(2, Timeout));
    }

    [Fact]
    public async Task Become_and_Unbecome_switch_behaviour()
    {
        var actor = Sys.ActorOf(Props.Create<Switch>());
        actor.Tell("toggle");
        Assert.Equal("on:a", await actor.Ask<string>("a", Timeout));
        actor.Tell("toggle");
        Assert.Equal("off:a", await actor.Ask<string>("a", Timeout));
    }

    [Fact]
    public async Task Become_with_discardOld_false_stacks_behaviours()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            if (msg is "push")
            {
                self.Context.Become(m =>
                {
                    if (m is "pop")
                    {
                        self.Context.Unbecome();
                    }
                    else
                    {
                        probe.Ref.Tell("pushed:" + m);
                    }

                    return true;
                }, discardOld: false);
            }
            else
            {
                probe.Ref.Tell("base:" + msg);
            }

            return true;
        }));
        actor.Tell("push");
        actor.Tell("x");
        actor.Tell("pop");
        actor.Tell("y");
        await probe.ExpectMsgAsync("pushed:x");
        await probe.ExpectMsgAsync("base:y");
    }

    [Fact]
    public async Task Stash_defers_messages_and_UnstashAll_replays_them_in_order_before_new_mail()
    {
        var probe = CreateProbe();
        var open = false;
        var actor = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            switch (msg)
            {
                case "open":
                    open = true;
                    self.Context.Stash.UnstashAll();
                    self.Self.Tell("after-open");
                    return true;
                case string s when !open:
                    self.Context.Stash.Stash();
                    return true;
                default:
                    probe.Ref.Tell(msg);
                    return true;
            }
        }));
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("c");
        actor.Tell("open");
        await probe.ExpectMsgAsync("a");
        await probe.ExpectMsgAsync("b");
        await probe.ExpectMsgAsync("c");
        await probe.ExpectMsgAsync("after-open");
    }

    [Fact]
    public async Task A_stashed_Terminated_is_replayed_on_unstash()
    {
        var probe = CreateProbe();
        var subject = Sys.ActorOf(Props.Create<EchoActor>());
        var ready = false;
        var watcher = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            switch (msg)
            {
                case "watch":
                    self.Context.Watch(subject);
                    self.Sender.Tell("watching");
                    return true;
                case "ready":
                    ready = true;
                    self.Context.Stash.UnstashAll();
                    return true;
                case Terminated when !ready:
                    self.Context.Stash.Stash();
                    probe.Ref.Tell("stashed");
                    return true;
                default:
                    probe.Ref.Tell(msg);
                    return true;
            }
        }));
        Assert.Equal("watching", await watcher.Ask<string>("watch", Timeout));
        Sys.Stop(subject);
        await probe.ExpectMsgAsync("stashed");
        watcher.Tell("ready");
        Assert.Equal(subject, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Stashed_messages_of_a_stopped_actor_become_dead_letters()
    {
        var actor = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            self.Context.Stash.Stash();
            return true;
        }));
        actor.Tell("a");
        actor.Tell("b");
        await EventuallyAsync(() => ((LocalActorRef)actor).Cell.Mailbox.HasQueuedUserMessage == false, "both are stashed");
        var probe = CreateProbe();
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        await probe.ExpectMsgAsync<Terminated>();
        Assert.Equal(2, Sys.DeadLetterCount);
    }

    private sealed class AsyncWorker : ReceiveActor
    {
        public AsyncWorker(IActorRef probe, Task gate)
        {
            ReceiveAsync<string>(async s =>
            {
                probe.Tell("start:" + s);
                await gate;
                probe.Tell("end:" + s + ":" + Sender.Path.Name);
            }, s => s != "fail");
            ReceiveAsync<string>(async _ =>
            {
                await Task.Yield();
                throw new InvalidOperationException("async boom");
            });
        }
    }

    [Fact]
    public async Task ReceiveAsync_suspends_the_mailbox_until_the_task_completes()
    {
        var probe = CreateProbe();
        var other = CreateProbe("other");
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(probe.Ref, gate.Task)));
        actor.Tell("one", other.Ref);
        actor.Tell("two", other.Ref);
        await probe.ExpectMsgAsync("start:one");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        gate.SetResult();

        // Sender is still the first message's sender after the await.
        await probe.ExpectMsgAsync("end:one:other");
        await probe.ExpectMsgAsync("start:two");
        await probe.ExpectMsgAsync("end:two:other");
    }

    [Fact]
    public async Task A_faulted_async_handler_fails_the_actor()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(probe.Ref, Task.CompletedTask)).WithSupervisorStrategy(SupervisorStrategy.StoppingStrategy));
        actor.Tell("fail");
        await EventuallyAsync(() => Logs.Entries.Any(e => e.Exception?.Message == "async boom"), "the failure is reported");
    }

    [Fact]
    public async Task Identify_is_answered_by_live_actors_and_dead_letters()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>(), "idme");
        var identity = await echo.Ask<ActorIdentity>(new Identify(7), Timeout);
        Assert.Equal(7, identity.MessageId);
        Assert.Equal(echo, identity.Subject);

        var none = await Sys.ResolveActorRef("clb://test/user/missing").Ask<ActorIdentity>(new Identify("x"), Timeout);
        Assert.Null(none.Subject);
        var dl = await Sys.DeadLetters.Ask<ActorIdentity>(new Identify("y"), Timeout);
        Assert.Null(dl.Subject);

        Assert.True(await echo.GracefulStop(Timeout));
        var dead = await echo.Ask<ActorIdentity>(new Identify("z"), Timeout);
        Assert.Equal("z", dead.MessageId);
        Assert.Null(dead.Subject);
        Assert.Equal(0, Sys.DeadLetterCount);
    }
}
