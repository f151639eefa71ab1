using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class TimerTests : ActorTestBase
{
    private static Props TimerActor(IActorRef probe, Func<LambdaActor, object, bool>? extra = null) => LambdaActor.Props((self, msg) =>
    {
        if (extra?.Invoke(self, msg) == true)
        {
            return true;
        }

        switch (msg)
        {
            case ("single", string key, string payload, int ms):
                self.Context.Timers.StartSingleTimer(key, payload, TimeSpan.FromMilliseconds(ms));
                self.Sender.Tell("started");
                return true;
            case ("periodic", string key, string payload, int ms):
                self.Context.Timers.StartPeriodicTimer(key, payload, TimeSpan.FromMilliseconds(ms));
                self.Sender.Tell("started");
                return true;
            case ("cancel", string key):
                self.Context.Timers.Cancel(key);
                self.Sender.Tell("cancelled");
                return true;
            case ("active", string key):
                self.Sender.Tell(self.Context.Timers.IsTimerActive(key));
                return true;
            case "fail":
                throw new InvalidOperationException("restart me");
            case string s:
                probe.Tell(s);
                return true;
            default:
                return false;
        }
    });

    [Fact]
    public async Task Single_timer_fires_once_and_is_then_inactive()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(TimerActor(probe.Ref));
        await actor.Ask<string>(("single", "k", "tick", 20), Timeout);
        await probe.ExpectMsgAsync("tick");
        Assert.False(await actor.Ask<bool>(("active", "k"), Timeout));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Periodic_timer_fires_repeatedly_until_cancelled()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(TimerActor(probe.Ref));
        await actor.Ask<string>(("periodic", "k", "tick", 10), Timeout);
        for (var i = 0; i < 5; i++)
        {
            await probe.ExpectMsgAsync("tick");
        }

        Assert.True(await actor.Ask<bool>(("active", "k"), Timeout));
        await actor.Ask<string>(("cancel", "k"), Timeout);
        actor.Tell("marker");
        await probe.FishForMessageAsync<string>(s => s == "marker");

        // Ticks queued before the cancel are dropped by generation, so nothing may arrive from here on.
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task A_cancelled_timer_whose_tick_is_already_queued_never_delivers()
    {
        var probe = CreateProbe();
        var gate = new TaskCompletionSource();
        var actor = Sys.ActorOf(TimerActor(probe.Ref, (self, msg) =>
        {
            if (msg is "block-then-cancel")
            {
                self.Context.Timers.StartSingleTimer("k", "tick", TimeSpan.FromMilliseconds(1));
                gate.Task.Wait();
                self.Context.Timers.Cancel("k");
                probe.Ref.Tell("cancelled");
                return true;
            }

            return false;
        }));
        actor.Tell("block-then-cancel");
        await EventuallyAsync(() => ((LocalActorRef)actor).Cell.Mailbox.HasQueuedUserMessage, "the tick is queued");
        gate.SetResult();
        await probe.ExpectMsgAsync("cancelled");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Restarting_a_timer_with_the_same_key_replaces_it()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(TimerActor(probe.Ref));
        await actor.Ask<string>(("single", "k", "old", 50), Timeout);
        await actor.Ask<string>(("single", "k", "new", 60), Timeout);
        await probe.ExpectMsgAsync("new");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task Timers_are_cancelled_on_restart()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(TimerActor(probe.Ref));
        await actor.Ask<string>(("periodic", "k", "tick", 20), Timeout);
        await probe.ExpectMsgAsync("tick");
        actor.Tell("fail");
        Assert.False(await actor.Ask<bool>(("active", "k"), Timeout));
        actor.Tell("marker");
        await probe.FishForMessageAsync<string>(s => s == "marker");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(150));
    }

    [Fact]
    public async Task Timers_are_cancelled_on_stop_so_no_tick_becomes_a_dead_letter()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(TimerActor(probe.Ref));
        await actor.Ask<string>(("periodic", "k", "tick", 10), Timeout);
        await probe.ExpectMsgAsync("tick");
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        await probe.FishForMessageAsync<Terminated>(_ => true);
        var before = Sys.DeadLetterCount;
        await Task.Delay(100); // an assertion of absence: no timer may fire into the dead mailbox
        Assert.True(Sys.DeadLetterCount - before <= 1, $"{Sys.DeadLetterCount - before} ticks hit the dead actor");
    }

    [Fact]
    public async Task ReceiveTimeout_fires_after_inactivity_and_is_reset_by_messages()
    {
        var probe = CreateProbe();
        var actor = Sys.ActorOf(LambdaActor.Props(
            (self, msg) =>
            {
                switch (msg)
                {
                    case ReceiveTimeout:
                        probe.Ref.Tell("timeout");
                        self.Context.SetReceiveTimeout(null);
                        return true;
                    default:
                        probe.Ref.Tell(msg);
                        return true;
                }
            },
            preStart: self => self.Context.SetReceiveTimeout(TimeSpan.FromMilliseconds(100))));
        await probe.ExpectMsgAsync("timeout");
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task ReceiveTimeout_rejects_non_positive_values()
    {
        var actor = Sys.ActorOf(LambdaActor.Props((self, _) =>
        {
            try
            {
                self.Context.SetReceiveTimeout(TimeSpan.Zero);
                self.Sender.Tell("accepted");
            }
            catch (ArgumentOutOfRangeException ex)
            {
                self.Sender.Tell(ex.Message);
            }

            return true;
        }));
        Assert.Contains("must be positive", await actor.Ask<string>("go", Timeout));
    }

    [Fact]
    public async Task Scheduler_tells_once_and_repeatedly_until_cancelled()
    {
        var probe = CreateProbe();
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(10), probe.Ref, "once", null);
        await probe.ExpectMsgAsync("once");
        var repeated = Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), probe.Ref, "again", null);
        await probe.ExpectMsgAsync("again");
        await probe.ExpectMsgAsync("again");
        repeated.Cancel();
        Assert.True(repeated.IsCancellationRequested);
    }
}
