using ClusterLb.Actors.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors.Tests;

public class SupervisionTests : ActorTestBase
{
    private async Task<(TestProbe Probe, IActorRef Supervisor, IActorRef Child)> Setup(SupervisorStrategy strategy, string child = "c")
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(Supervisor.Props(strategy, probe.Ref));
        var childRef = await supervisor.Ask<IActorRef>($"create:{child}", Timeout);
        await probe.ExpectMsgAsync($"{child}:PreStart");
        return (probe, supervisor, childRef);
    }

    [Fact]
    public async Task Restart_replaces_the_instance_runs_hooks_in_Akka_order_and_keeps_the_mailbox()
    {
        var (probe, _, child) = await Setup(SupervisorStrategy.DefaultStrategy);
        child.Tell("a");
        child.Tell("b");
        child.Tell("fail");
        child.Tell("after");
        await probe.ExpectMsgAsync("c:PreRestart:boom:fail");
        await probe.ExpectMsgAsync("c:PostStop");
        await probe.ExpectMsgAsync("c:PostRestart:boom");
        await probe.ExpectMsgAsync("c:PreStart");

        // State was lost in the restart ("a", "b" counted by the old instance); "after" was kept in the mailbox.
        Assert.Equal(1, await child.Ask<int>("count", Timeout));
        Assert.Equal(child, Sys.ResolveActorRef(child.Path));
    }

    [Fact]
    public async Task Resume_keeps_the_instance_and_its_state()
    {
        var (probe, _, child) = await Setup(new OneForOneStrategy(_ => Directive.Resume));
        child.Tell("a");
        child.Tell("fail");
        child.Tell("b");
        Assert.Equal(2, await child.Ask<int>("count", Timeout));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Stop_directive_stops_the_child()
    {
        var (probe, _, child) = await Setup(SupervisorStrategy.StoppingStrategy);
        await probe.WatchAsync(child);
        child.Tell("fail");
        await probe.ExpectMsgAsync("c:PostStop");
        Assert.Equal(child, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
    }

    [Fact]
    public async Task Decider_picks_directive_by_exception_type()
    {
        var (probe, _, child) = await Setup(new OneForOneStrategy(ex => ex is ArgumentException ? Directive.Resume : Directive.Stop));
        child.Tell("x");
        child.Tell("fail-arg");
        Assert.Equal(1, await child.Ask<int>("count", Timeout));
        await probe.WatchAsync(child);
        child.Tell("fail");
        await probe.ExpectMsgAsync("c:PostStop");
        await probe.ExpectMsgAsync<Terminated>();
    }

    [Fact]
    public async Task Escalate_fails_the_supervisor_whose_own_supervisor_then_restarts_it()
    {
        var probe = CreateProbe();
        var escalating = Sys.ActorOf(Supervisor.Props(new OneForOneStrategy(_ => Directive.Escalate), probe.Ref), "esc");
        var child = await escalating.Ask<IActorRef>("create:e", Timeout);
        await probe.ExpectMsgAsync("e:PreStart");
        await probe.WatchAsync(child);
        child.Tell("fail");

        // The user guardian restarts "esc" (default strategy); the default PreRestart stops child "e".
        await probe.ExpectMsgAsync("e:PostStop");
        Assert.Equal(child, (await probe.ExpectMsgAsync<Terminated>()).ActorRef);
        var again = await escalating.Ask<IActorRef>("create:e", Timeout);
        await probe.ExpectMsgAsync("e:PreStart");
        Assert.NotEqual(child, again);
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1001 && Equals(e.Fields["Directive"], Directive.Escalate));
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1001 && Equals(e.Fields["ActorPath"], escalating.Path) && Equals(e.Fields["Directive"], Directive.Restart));
    }

    [Fact]
    public async Task AllForOne_restarts_every_sibling_when_one_fails()
    {
        var (probe, supervisor, first) = await Setup(new AllForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart), "first");
        var second = await supervisor.Ask<IActorRef>("create:second", Timeout);
        await probe.ExpectMsgAsync("second:PreStart");
        second.Tell("x");
        Assert.Equal(1, await second.Ask<int>("count", Timeout));

        first.Tell("fail");
        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            seen.Add(await probe.ExpectMsgAsync<string>());
        }

        Assert.Contains("first:PreRestart:boom:fail", seen);
        Assert.Contains("second:PreRestart:boom:", seen);
        Assert.Contains("second:PostRestart:boom", seen);
        Assert.Equal(0, await second.Ask<int>("count", Timeout));
    }

    [Fact]
    public async Task AllForOne_stop_stops_every_sibling()
    {
        var (probe, supervisor, first) = await Setup(new AllForOneStrategy(_ => Directive.Stop), "first");
        var second = await supervisor.Ask<IActorRef>("create:second", Timeout);
        await probe.ExpectMsgAsync("second:PreStart");
        await probe.WatchAsync(second);
        first.Tell("fail");
        await probe.FishForMessageAsync<Terminated>(t => t.ActorRef.Equals(second));
    }

    [Fact]
    public async Task A_child_failing_more_than_maxNrOfRetries_within_the_window_is_stopped()
    {
        var (probe, _, child) = await Setup(new OneForOneStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart));
        await probe.WatchAsync(child);
        child.Tell("fail");
        child.Tell("fail");
        child.Tell("fail");
        var terminated = await probe.FishForMessageAsync<Terminated>(_ => true);
        Assert.Equal(child, terminated.ActorRef);
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1002 && Equals(e.Fields["MaxNrOfRetries"], 2));
    }

    [Fact]
    public async Task Failures_are_logged_with_structured_fields()
    {
        var (probe, supervisor, child) = await Setup(SupervisorStrategy.DefaultStrategy);
        child.Tell("fail");
        await probe.ExpectMsgAsync("c:PreRestart:boom:fail");
        var entry = Assert.Single(Logs.Entries, e => e.EventId.Id == 1001);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal(child.Path, entry.Fields["ActorPath"]);
        Assert.Equal(supervisor.Path, entry.Fields["Supervisor"]);
        Assert.Equal(Directive.Restart, entry.Fields["Directive"]);
        Assert.Equal("InvalidOperationException", entry.Fields["ExceptionType"]);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public async Task Default_PreRestart_stops_children_and_the_new_instance_starts_clean()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(Counter.Props(probe.Ref, "p"), "p");
        await probe.ExpectMsgAsync("p:PreStart");
        var child = await parent.Ask<IActorRef>("spawn:kid", Timeout);
        await probe.ExpectMsgAsync("kid:PreStart");
        parent.Tell("fail");
        await probe.ExpectMsgAsync("p:PreRestart:boom:fail");

        // The child stops asynchronously, so the two PostStops may come in either order, but the new
        // instance is only created after the child is gone.
        var stops = new[] { await probe.ExpectMsgAsync<string>(), await probe.ExpectMsgAsync<string>() };
        Assert.Equal(["kid:PostStop", "p:PostStop"], stops.Order());
        await probe.ExpectMsgAsync("p:PostRestart:boom");
        await probe.ExpectMsgAsync("p:PreStart");

        // The name is free again once the old child is gone.
        var again = await parent.Ask<IActorRef>("spawn:kid", Timeout);
        await probe.ExpectMsgAsync("kid:PreStart");
        Assert.NotEqual(child, again);
        Assert.Equal(child.Path, again.Path);
    }

    [Fact]
    public async Task Constructor_failure_stops_the_actor_with_ActorInitializationException()
    {
        var probe = CreateProbe();
        var broken = Sys.ActorOf(Props.Create<LambdaActor>(() => throw new InvalidOperationException("ctor")));
        await probe.WatchAsync(broken);
        await probe.ExpectMsgAsync<Terminated>();
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1001 && e.Exception is ActorInitializationException { InnerException.Message: "ctor" });
    }

    [Fact]
    public async Task Kill_stops_the_actor_via_ActorKilledException()
    {
        var probe = CreateProbe();
        var victim = Sys.ActorOf(Counter.Props(probe.Ref, "v"));
        await probe.ExpectMsgAsync("v:PreStart");
        await probe.WatchAsync(victim);
        victim.Tell(Kill.Instance);
        await probe.ExpectMsgAsync("v:PostStop");
        await probe.ExpectMsgAsync<Terminated>();
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1001 && e.Exception is ActorKilledException);
    }

    [Fact]
    public async Task PoisonPill_stops_after_earlier_messages()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(Counter.Props(probe.Ref));
        await probe.ExpectMsgAsync("c:PreStart");
        await probe.WatchAsync(actor);
        actor.Tell("a");
        actor.Tell("count", probe.Ref);
        actor.Tell(PoisonPill.Instance);
        actor.Tell("count", probe.Ref);
        Assert.Equal(1, await probe.ExpectMsgAsync<int>());
        await probe.ExpectMsgAsync("c:PostStop");
        await probe.ExpectMsgAsync<Terminated>();
        await EventuallyAsync(() => Sys.DeadLetterCount >= 1, "the message after the pill is a dead letter");
    }

    [Fact]
    public async Task Failure_in_a_failing_guardian_child_does_not_stop_the_system()
    {
        var probe = CreateProbe();
        var sup = Sys.ActorOf(Supervisor.Props(SupervisorStrategy.DefaultStrategy, probe.Ref));
        sup.Tell("fail");
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.Equal("ok", await echo.Ask<string>("ok", Timeout));
        Assert.False(Sys.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task A_factory_that_throws_during_restart_stops_the_actor_without_a_second_PostStop()
    {
        var probe = CreateProbe();
        var created = 0;
        var actor = Sys.ActorOf(Props.Create(() =>
        {
            if (Interlocked.Increment(ref created) > 1)
            {
                throw new InvalidOperationException("no second instance");
            }

            return new Counter(probe.Ref, "once");
        }));
        await probe.ExpectMsgAsync("once:PreStart");
        await probe.WatchAsync(actor);
        actor.Tell("fail");
        await probe.ExpectMsgAsync("once:PreRestart:boom:fail");
        await probe.ExpectMsgAsync("once:PostStop");
        await probe.ExpectMsgAsync<Terminated>();
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Assert.Contains(Logs.Entries, e => e.Exception is ActorInitializationException { InnerException.Message: "no second instance" });
    }
}
