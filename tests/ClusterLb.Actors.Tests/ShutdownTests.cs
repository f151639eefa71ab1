using System.Collections.Concurrent;
using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class ShutdownTests
{
    private static readonly TimeSpan Timeout = TestProbe.DefaultTimeout;

    [Fact]
    public async Task Terminate_stops_user_actors_top_down_then_system_actors_and_completes_WhenTerminated()
    {
        var order = new ConcurrentQueue<string>();
        var sys = ActorSystem.Create("term");
        Props Recorder(string name, string? child = null) => LambdaActor.Props(
            (_, _) => true,
            preStart: self =>
            {
                if (child is not null)
                {
                    self.Context.ActorOf(Recorder(child), child);
                }
            },
            postStop: _ => order.Enqueue(name));

        var user = sys.ActorOf(Recorder("user-parent", "user-child"), "p");
        var daemon = sys.SystemActorOf(Recorder("system-daemon"), "d");
        Assert.Equal("p", (await user.Ask<ActorIdentity>(new Identify(null), Timeout)).Subject!.Path.Name);
        Assert.Equal("d", (await daemon.Ask<ActorIdentity>(new Identify(null), Timeout)).Subject!.Path.Name);

        await sys.Terminate().WaitAsync(Timeout);
        Assert.True(sys.WhenTerminated.IsCompletedSuccessfully);
        Assert.Equal(["user-child", "user-parent", "system-daemon"], order.ToArray());
        Assert.Throws<InvalidOperationException>(() => sys.ActorOf(Props.Create<EchoActor>()));
        user.Tell("after");
        Assert.Equal(1, sys.DeadLetterCount);
    }

    [Fact]
    public async Task CoordinatedShutdown_runs_phases_in_Akka_order_and_Run_is_idempotent()
    {
        var sys = ActorSystem.Create("cs");
        var ran = new ConcurrentQueue<string>();
        foreach (var phase in CoordinatedShutdown.Phases.Reverse())
        {
            sys.CoordinatedShutdown.AddTask(phase, $"task-{phase}", _ =>
            {
                ran.Enqueue(phase);
                return Task.CompletedTask;
            });
        }

        var first = sys.CoordinatedShutdown.Run(CoordinatedShutdownReason.ClusterLeaving);
        var second = sys.CoordinatedShutdown.Run(CoordinatedShutdownReason.Unknown);
        Assert.Same(first, second);
        await first.WaitAsync(Timeout);
        Assert.Equal(CoordinatedShutdown.Phases, ran.ToArray());
        Assert.Equal(CoordinatedShutdownReason.ClusterLeaving, sys.CoordinatedShutdown.ShutdownReason);
        Assert.True(sys.WhenTerminated.IsCompleted);
        Assert.Equal(
            ["before-service-unbind", "service-unbind", "service-requests-done", "service-stop", "before-cluster-shutdown",
             "cluster-sharding-shutdown-region", "cluster-leave", "cluster-exiting", "cluster-exiting-done", "cluster-shutdown",
             "before-actor-system-terminate", "actor-system-terminate"],
            CoordinatedShutdown.Phases);
    }

    [Fact]
    public async Task A_phase_that_times_out_is_cancelled_and_the_next_phase_still_runs()
    {
        var logs = new RecordingLoggerFactory();
        var settings = ActorSettings.Default with
        {
            PhaseTimeouts = new Dictionary<string, TimeSpan> { [CoordinatedShutdown.PhaseServiceUnbind] = TimeSpan.FromMilliseconds(200) },
        };
        var sys = ActorSystem.Create("cs", new ActorSystemSetup(LoggerFactory: logs) { ActorSettings = settings });
        var cancelled = new TaskCompletionSource();
        var nextRan = new TaskCompletionSource();
        sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "hangs", async ct =>
        {
            ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(System.Threading.Timeout.Infinite, CancellationToken.None);
        });
        sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "throws", _ => throw new InvalidOperationException("task failed"));
        sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "next", _ =>
        {
            nextRan.SetResult();
            return Task.CompletedTask;
        });

        await sys.Terminate().WaitAsync(Timeout);
        await cancelled.Task.WaitAsync(Timeout);
        Assert.True(nextRan.Task.IsCompleted);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 1032 && Equals(e.Fields["Phase"], "service-unbind"));
        Assert.Contains(logs.Entries, e => e.EventId.Id == 1033 && Equals(e.Fields["TaskName"], "throws"));
    }

    [Fact]
    public async Task Unknown_phases_are_rejected_and_late_tasks_are_logged_not_run()
    {
        var logs = new RecordingLoggerFactory();
        var sys = ActorSystem.Create("cs", new ActorSystemSetup(LoggerFactory: logs));
        var ex = Assert.Throws<ArgumentException>(() => sys.CoordinatedShutdown.AddTask("no-such-phase", "x", _ => Task.CompletedTask));
        Assert.Contains("service-unbind", ex.Message);
        await sys.Terminate().WaitAsync(Timeout);
        var ran = false;
        sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "late", _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        Assert.False(ran);
        Assert.Contains(logs.Entries, e => e.EventId.Id == 1034);
        Assert.Equal(TimeSpan.FromSeconds(5 * 9 + 10 * 3), sys.CoordinatedShutdown.TotalTimeout);
    }

    [Fact]
    public async Task RunOnProcessExit_hooks_and_unhooks_without_running()
    {
        var sys = ActorSystem.Create("cs");
        using (sys.CoordinatedShutdown.RunOnProcessExit())
        {
            Assert.Null(sys.CoordinatedShutdown.ShutdownReason);
        }

        await sys.Terminate().WaitAsync(Timeout);
        Assert.Equal(CoordinatedShutdownReason.ActorSystemTerminate, sys.CoordinatedShutdown.ShutdownReason);
    }

    [Fact]
    public async Task With_run_by_actor_system_terminate_off_Terminate_skips_the_phases()
    {
        var sys = ActorSystem.Create("cs", new ActorSystemSetup { ActorSettings = ActorSettings.Default with { RunCoordinatedShutdownOnTerminate = false } });
        var ran = false;
        sys.CoordinatedShutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "unbind", _ =>
        {
            ran = true;
            return Task.CompletedTask;
        });
        await sys.Terminate().WaitAsync(Timeout);
        Assert.False(ran);
        Assert.Null(sys.CoordinatedShutdown.ShutdownReason);
    }

    [Fact]
    public async Task DisposeAsync_terminates_the_system()
    {
        ActorSystem sys;
        await using (sys = ActorSystem.Create("disposed"))
        {
            sys.ActorOf(Props.Create<EchoActor>());
        }

        Assert.True(sys.WhenTerminated.IsCompleted);
    }
}
