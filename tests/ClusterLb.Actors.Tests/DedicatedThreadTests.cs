using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

/// <summary>Saturates the thread pool, so it must not run alongside other tests.</summary>
[CollectionDefinition(nameof(ThreadPoolSaturation), DisableParallelization = true)]
public sealed class ThreadPoolSaturation;

[Collection(nameof(ThreadPoolSaturation))]
public class DedicatedThreadTests
{
    [Fact]
    public async Task A_dedicated_thread_actor_and_its_timers_keep_working_while_the_thread_pool_is_saturated()
    {
        var sys = ActorSystem.Create("pinned");
        var poolGate = new ManualResetEventSlim();
        var replies = 0;
        var ticks = 0;
        var done = new ManualResetEventSlim();
        var canaryRan = 0;
        var canaryRanBeforeDone = -1;
        string? actorThread = null;
        try
        {
            var pinned = sys.ActorOf(LambdaActor.Props(
                (self, msg) =>
                {
                    actorThread = Thread.CurrentThread.Name;
                    if (msg is "tick" && Interlocked.Increment(ref ticks) == 5)
                    {
                        self.Context.Timers.Cancel("heartbeat");
                    }
                    else if (msg is int)
                    {
                        Interlocked.Increment(ref replies);
                    }

                    if (Volatile.Read(ref ticks) >= 5 && Volatile.Read(ref replies) == 100 && !done.IsSet)
                    {
                        canaryRanBeforeDone = Volatile.Read(ref canaryRan);
                        done.Set();
                    }

                    return true;
                },
                preStart: self => self.Context.Timers.StartPeriodicTimer("heartbeat", "tick", TimeSpan.FromMilliseconds(20))).WithDedicatedThread(), "heartbeat");

            // Block every pool thread plus a backlog far beyond what hill-climbing injects in the test's lifetime,
            // then queue a canary behind them: while it has not run, the pool is starved.
            var blockers = ThreadPool.ThreadCount + 256;
            for (var i = 0; i < blockers; i++)
            {
                ThreadPool.UnsafeQueueUserWorkItem(_ => poolGate.Wait(), null);
            }

            ThreadPool.UnsafeQueueUserWorkItem(_ => Interlocked.Exchange(ref canaryRan, 1), null);
            for (var i = 0; i < 100; i++)
            {
                pinned.Tell(i);
            }

            Assert.True(done.Wait(TimeSpan.FromSeconds(10)), $"pinned actor stalled: {replies} messages, {ticks} ticks");
            Assert.Equal(0, canaryRanBeforeDone);
            Assert.StartsWith("clb-pinned:", actorThread);
        }
        finally
        {
            poolGate.Set();
        }

        await sys.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_dedicated_thread_actor_stops_and_its_thread_ends()
    {
        await using var sys = ActorSystem.Create("pinned2");
        var threadTcs = new TaskCompletionSource<Thread>();
        var actor = sys.ActorOf(LambdaActor.Props((self, _) =>
        {
            threadTcs.TrySetResult(Thread.CurrentThread);
            self.Sender.Tell("ok");
            return true;
        }).WithDedicatedThread());
        Assert.Equal("ok", await actor.Ask<string>("go", TestProbe.DefaultTimeout));
        var thread = await threadTcs.Task;
        var probe = new TestProbe(sys);
        await probe.WatchAsync(actor);
        sys.Stop(actor);
        await probe.ExpectMsgAsync<Terminated>();
        Assert.True(thread.Join(TestProbe.DefaultTimeout), "the dedicated thread did not end");
    }
}
