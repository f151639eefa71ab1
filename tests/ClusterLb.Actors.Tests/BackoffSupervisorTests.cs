using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class BackoffSupervisorTests : ActorTestBase
{
    [Theory]
    [InlineData(0, 0.0, 100)]
    [InlineData(1, 0.0, 200)]
    [InlineData(3, 0.0, 800)]
    [InlineData(10, 0.0, 1000)]
    [InlineData(2, 0.5, 400 * 1.5)]
    public void Delay_doubles_per_restart_is_capped_and_jittered(int restart, double random, double expectedMs)
    {
        var delay = BackoffSupervisor.CalculateDelay(restart, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), randomFactor: 1.0, random01: random);
        Assert.Equal(expectedMs, delay.TotalMilliseconds, precision: 3);
    }

    [Fact]
    public void Invalid_options_are_rejected_when_building_props()
    {
        var child = Props.Create<EchoActor>();
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffSupervisor.Props(new BackoffOptions(child, "c", TimeSpan.Zero, TimeSpan.FromSeconds(1), 0.2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffSupervisor.Props(new BackoffOptions(child, "c", TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), 0.2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => BackoffSupervisor.Props(new BackoffOptions(child, "c", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1.5)));
        Assert.Throws<InvalidActorNameException>(() => BackoffSupervisor.Props(new BackoffOptions(child, "a/b", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 0)));
    }

    [Fact]
    public async Task OnFailure_restarts_a_failing_child_after_a_backoff_and_forwards_messages()
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            Counter.Props(probe.Ref, "worker"), "worker", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), 0.2)
        {
            ResetBackoffAfter = TimeSpan.FromMinutes(1),
        }));
        await probe.ExpectMsgAsync("worker:PreStart");
        var first = (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, Timeout)).Ref;
        Assert.NotNull(first);
        Assert.Equal("worker", first.Path.Name);

        supervisor.Tell("x");
        Assert.Equal(1, await supervisor.Ask<int>("count", Timeout));
        supervisor.Tell("fail");

        // Stopped (not restarted in place), then a new incarnation after the backoff.
        await probe.ExpectMsgAsync("worker:PostStop");
        await probe.ExpectMsgAsync("worker:PreStart");
        var second = (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, Timeout)).Ref;
        Assert.NotEqual(first, second);
        Assert.Equal(1, (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, Timeout)).Count);
        Assert.Equal(0, await supervisor.Ask<int>("count", Timeout));

        supervisor.Tell("fail");
        await probe.ExpectMsgAsync("worker:PostStop");
        await probe.ExpectMsgAsync("worker:PreStart");
        Assert.Equal(2, (await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, Timeout)).Count);
        Assert.Contains(Logs.Entries, e => e.EventId.Id == 1040 && Equals(e.Fields["RestartCount"], 2));
    }

    [Fact]
    public async Task OnFailure_a_child_that_stops_by_itself_stops_the_supervisor()
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            Counter.Props(probe.Ref, "worker"), "worker", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), 0.2)));
        await probe.ExpectMsgAsync("worker:PreStart");
        await probe.WatchAsync(supervisor);
        supervisor.Tell(PoisonPill.Instance);
        await probe.FishForMessageAsync<Terminated>(t => t.ActorRef.Equals(supervisor));
    }

    [Fact]
    public async Task OnStop_restarts_a_child_that_stopped_and_respects_max_retries()
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            Counter.Props(probe.Ref, "worker"), "worker", TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(100), 0.1, OnStop: true)
        {
            MaxNrOfRetries = 2,
            ResetBackoffAfter = TimeSpan.FromMinutes(1),
        }));
        await probe.ExpectMsgAsync("worker:PreStart");
        await probe.WatchAsync(supervisor);
        for (var i = 0; i < 2; i++)
        {
            var child = (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, Timeout)).Ref!;
            child.Tell(PoisonPill.Instance);
            await probe.ExpectMsgAsync("worker:PostStop");
            await probe.ExpectMsgAsync("worker:PreStart");
        }

        // Failures in onStop mode are handled by the default strategy: restart in place, no backoff.
        supervisor.Tell("fail");
        await probe.ExpectMsgAsync<string>(s => s.StartsWith("worker:PreRestart", StringComparison.Ordinal));
        await probe.ExpectMsgAsync("worker:PostStop");
        await probe.ExpectMsgAsync("worker:PostRestart:boom");
        await probe.ExpectMsgAsync("worker:PreStart");

        var last = (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, Timeout)).Ref!;
        last.Tell(PoisonPill.Instance);
        await probe.ExpectMsgAsync("worker:PostStop");
        await probe.FishForMessageAsync<Terminated>(t => t.ActorRef.Equals(supervisor));
    }

    [Fact]
    public async Task The_restart_count_resets_after_the_child_ran_long_enough()
    {
        var probe = CreateProbe();
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(new BackoffOptions(
            Counter.Props(probe.Ref, "worker"), "worker", TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1), 0)
        {
            ResetBackoffAfter = TimeSpan.FromMilliseconds(50),
        }));
        await probe.ExpectMsgAsync("worker:PreStart");
        supervisor.Tell("fail");
        await probe.ExpectMsgAsync("worker:PostStop");
        await probe.ExpectMsgAsync("worker:PreStart");
        var deadline = DateTime.UtcNow + Timeout;
        while ((await supervisor.Ask<BackoffSupervisor.RestartCount>(BackoffSupervisor.GetRestartCount.Instance, Timeout)).Count != 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the restart count never reset");
            await Task.Delay(10);
        }
    }
}
