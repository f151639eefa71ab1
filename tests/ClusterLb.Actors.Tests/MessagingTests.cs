using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class MessagingTests : ActorTestBase
{
    [Fact]
    public async Task Tell_delivers_with_the_sender()
    {
        var probe = CreateProbe();
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        echo.Tell("hello", probe.Ref);
        await probe.ExpectMsgAsync("hello");
        Assert.Equal(echo, probe.LastSender);
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_order()
    {
        var probe = CreateProbe();
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        for (var i = 0; i < 10_000; i++)
        {
            echo.Tell(i, probe.Ref);
        }

        for (var i = 0; i < 10_000; i++)
        {
            Assert.Equal(i, await probe.ExpectMsgAsync<int>());
        }
    }

    [Fact]
    public async Task System_messages_overtake_queued_user_messages()
    {
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var processed = 0;
        var actor = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            if (msg is "block")
            {
                started.SetResult();
                gate.Task.Wait();
            }

            Interlocked.Increment(ref processed);
            return true;
        }));
        actor.Tell("block");
        await started.Task.WaitAsync(Timeout);
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i);
        }

        var probe = CreateProbe();
        await probe.WatchAsync(actor);
        Sys.Stop(actor);
        gate.SetResult();
        await probe.ExpectMsgAsync<Terminated>();

        // Only the blocking message ran: Stop (a system message) went ahead of the 100 queued ones.
        Assert.Equal(1, Volatile.Read(ref processed));
        Assert.Equal(100, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task An_actor_processes_at_most_throughput_messages_per_turn()
    {
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var done = new TaskCompletionSource();
        var actor = (LocalActorRef)Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            if (msg is "block")
            {
                started.SetResult();
                gate.Task.Wait();
            }
            else if (msg is 99)
            {
                done.SetResult();
            }

            return true;
        }).WithThroughput(10));
        actor.Tell("block");
        await started.Task.WaitAsync(Timeout);
        var runsBefore = actor.Cell.Mailbox.RunCount;
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i);
        }

        gate.SetResult();
        await done.Task.WaitAsync(Timeout);

        // 100 queued messages at 10 per turn need at least 10 turns: the thread is handed back between batches.
        Assert.True(actor.Cell.Mailbox.RunCount - runsBefore >= 10, $"only {actor.Cell.Mailbox.RunCount - runsBefore} turns");
    }

    [Fact]
    public async Task Ask_returns_the_reply()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.Equal(42, await echo.Ask<int>(42, Timeout));
        await EventuallyAsync(() => Sys.TempContainer.Count == 0, "the temp ref is unregistered");
    }

    [Fact]
    public async Task Ask_times_out_naming_target_and_timeout()
    {
        var silent = Sys.ActorOf(LambdaActor.Props((_, _) => true), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<int>("hi", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("clb://test/user/silent", ex.Message);
        Assert.Contains("100 ms", ex.Message);
        Assert.Equal(0, Sys.TempContainer.Count);
    }

    [Fact]
    public async Task Ask_to_a_terminated_actor_fails_at_once_and_counts_the_dead_letter()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>(), "gone");
        Assert.True(await echo.GracefulStop(Timeout));
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() => echo.Ask<string>("hi", TimeSpan.FromMinutes(5)));
        Assert.Contains("clb://test/user/gone", ex.Message);
        Assert.Contains("terminated", ex.Message);
        Assert.Equal(1, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task A_late_reply_after_timeout_is_a_dead_letter()
    {
        var probe = CreateProbe();
        await Assert.ThrowsAsync<AskTimeoutException>(() => probe.Ref.Ask<int>("q", TimeSpan.FromMilliseconds(50)));
        await probe.ExpectMsgAsync("q");
        probe.Reply(1);
        await EventuallyAsync(() => Sys.DeadLetterCount == 1, "the late reply is a dead letter");
    }

    [Fact]
    public async Task Ask_with_Status_Failure_reply_faults_with_its_cause()
    {
        var failing = Sys.ActorOf(LambdaActor.Props((self, _) =>
        {
            self.Sender.Tell(new Status.Failure(new InvalidOperationException("nope")));
            return true;
        }));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<int>("x", Timeout));
        Assert.Equal("nope", ex.Message);
    }

    [Fact]
    public async Task Ask_with_a_reply_of_the_wrong_type_faults_with_a_clear_error()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>());
        var ex = await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<int>("text", Timeout));
        Assert.Contains("Int32", ex.Message);
        Assert.Contains("String", ex.Message);
    }

    [Fact]
    public async Task Ask_honours_cancellation_and_rejects_bad_timeouts()
    {
        var silent = Sys.ActorOf(LambdaActor.Props((_, _) => true));
        using var cts = new CancellationTokenSource();
        var ask = silent.Ask<int>("x", Timeout, cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = silent.Ask<int>("x", TimeSpan.Zero); });
        await Assert.ThrowsAsync<AskTimeoutException>(() => ActorRefs.Nobody.Ask<int>("x", Timeout));
    }

    [Fact]
    public async Task PipeTo_tells_the_result_or_a_failure()
    {
        var probe = CreateProbe();
        Task.FromResult(7).PipeTo(probe.Ref);
        Assert.Equal(7, await probe.ExpectMsgAsync<int>());
        Task.FromException<int>(new InvalidOperationException("bad")).PipeTo(probe.Ref);
        var failure = await probe.ExpectMsgAsync<Status.Failure>();
        Assert.Equal("bad", failure.Cause.Message);
        Task.FromResult(3).PipeTo(probe.Ref, success: v => $"got {v}");
        await probe.ExpectMsgAsync("got 3");
    }

    [Fact]
    public async Task Children_are_listed_and_found_by_name_and_Stop_removes_them()
    {
        var probe = CreateProbe();
        IActorRef? stopper = null;
        var parent = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            switch (msg)
            {
                case "create":
                    self.Context.ActorOf(Props.Create<EchoActor>(), "c1");
                    self.Context.ActorOf(Props.Create<EchoActor>(), "c2");
                    break;
                case "list":
                    self.Sender.Tell(string.Join(",", self.Context.Children.Select(c => c.Path.Name).Order()));
                    break;
                case "stop-c1":
                    stopper = self.Sender;
                    self.Context.Watch(self.Context.Child("c1")!);
                    self.Context.Stop(self.Context.Child("c1")!);
                    break;
                case Terminated t:
                    stopper!.Tell($"{t.ActorRef.Path.Name} stopped; left: {string.Join(",", self.Context.Children.Select(c => c.Path.Name))}; c1 found: {self.Context.Child("c1") is not null}");
                    break;
            }

            return true;
        }));
        probe.Tell(parent, "create");
        probe.Tell(parent, "list");
        await probe.ExpectMsgAsync("c1,c2");
        probe.Tell(parent, "stop-c1");
        await probe.ExpectMsgAsync("c1 stopped; left: c2; c1 found: False");
    }

    [Fact]
    public async Task Unhandled_messages_are_published_not_lost()
    {
        var probe = CreateProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(UnhandledMessage));
        var actor = Sys.ActorOf(LambdaActor.Props((_, _) => false));
        actor.Tell("what?");
        var unhandled = await probe.ExpectMsgAsync<UnhandledMessage>();
        Assert.Equal("what?", unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
    }

    [Fact]
    public void Actors_cannot_be_constructed_with_new()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new EchoActor());
        Assert.Contains("ActorOf", ex.Message);
    }
}
