using ClusterLb.Actors;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Sql;
using ClusterLb.Persistence.Tests.Infrastructure;
using static ClusterLb.Persistence.Tests.Actors.CounterActor;

namespace ClusterLb.Persistence.Tests.Actors;

public sealed class PersistentActorTests : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();
    private ActorSystem _system = null!;
    private SqlJournal _journal = null!;
    private SqlSnapshotStore _snapshots = null!;
    private Probe _probe = null!;

    public Task InitializeAsync()
    {
        var dialect = _database.CreateDialect();
        _journal = new SqlJournal(dialect, TestRegistry.Serializer());
        _snapshots = new SqlSnapshotStore(dialect, TestRegistry.Serializer());
        _system = ActorSystem.Create("persistence-tests");
        _probe = new Probe(_system);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Recovers_its_state_from_the_snapshot_plus_later_events_after_a_restart()
    {
        var counter = Start("counter");
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(new Added(i * (i + 1) / 2, i), await Ask<Added>(counter, new Add(i)));
        }

        var saved = await Ask<SaveSnapshotSuccess>(counter, new TakeSnapshot());
        Assert.Equal(5, saved.Metadata.SequenceNr);
        for (var i = 6; i <= 8; i++)
        {
            await Ask<Added>(counter, new Add(i));
        }

        await StopAsync(counter);
        var restarted = Start("counter");
        var state = await Ask<CounterState>(restarted, new GetState());

        Assert.Equal(36, state.Total);
        Assert.Equal(8, state.LastSequenceNr);
        Assert.Equal(5, state.SnapshotSequenceNr);
        Assert.Equal(["snapshot:5", "event:6", "event:7", "event:8", "completed"], state.Log);
        Assert.Equal(new Added(45, 9), await Ask<Added>(restarted, new Add(9)));
    }

    [Fact]
    public async Task Commands_sent_during_recovery_are_handled_after_it_in_arrival_order()
    {
        var counter = Start("counter");
        await Ask<Added>(counter, new Add(100));
        await StopAsync(counter);

        var gated = new GatedJournal(_journal) { HoldReplay = true };
        var restarted = _system.ActorOf(CounterActor.Props("counter", gated, _snapshots, _probe.Ref));
        await gated.ReplayStarted.Task.WaitAsync(TimeSpan.FromSeconds(15)); // recovery is now parked inside the replay
        _probe.Tell(restarted, new Add(1));
        _probe.Tell(restarted, new Add(2));
        _probe.Tell(restarted, new GetState());
        _probe.Tell(restarted, new Add(3));
        gated.OpenReplay();

        Assert.Equal(new Added(101, 2), await _probe.ExpectAsync<Added>());
        Assert.Equal(new Added(103, 3), await _probe.ExpectAsync<Added>());
        var state = await _probe.ExpectAsync<CounterState>();
        Assert.Equal(["event:1", "completed", "cmd:1", "cmd:2"], state.Log);
        Assert.Equal(new Added(106, 4), await _probe.ExpectAsync<Added>());
    }

    [Fact]
    public async Task RecoveryCompleted_is_delivered_even_when_there_is_nothing_to_recover()
    {
        var state = await Ask<CounterState>(Start("empty"), new GetState());

        Assert.Equal(["completed"], state.Log);
        Assert.Equal(0, state.LastSequenceNr);
    }

    [Fact]
    public async Task PersistAll_runs_handlers_in_order_and_later_commands_wait_for_them()
    {
        var gated = new GatedJournal(_journal) { HoldWrites = true };
        var counter = _system.ActorOf(CounterActor.Props("counter", gated, _snapshots, _probe.Ref));
        _probe.Tell(counter, new AddMany([1, 2, 3]));
        await gated.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        _probe.Tell(counter, new Add(4));
        _probe.Tell(counter, new GetState());
        gated.OpenWrites();

        Assert.Equal(new Added(1, 1), await _probe.ExpectAsync<Added>());
        Assert.Equal(new Added(3, 2), await _probe.ExpectAsync<Added>());
        Assert.Equal(new Added(6, 3), await _probe.ExpectAsync<Added>());
        Assert.Equal(new Added(10, 4), await _probe.ExpectAsync<Added>());
        Assert.Equal(["completed", "cmd:1", "cmd:2", "cmd:3", "cmd:4"], (await _probe.ExpectAsync<CounterState>()).Log);
        Assert.Equal(2, gated.WriteCalls); // the batch of three, then the stashed command's event
    }

    [Fact]
    public async Task A_rejected_event_is_reported_and_the_actor_keeps_running()
    {
        var counter = Start("counter");
        await Ask<Added>(counter, new Add(1));

        _probe.Tell(counter, new PersistUnregistered());
        var rejected = await _probe.ExpectAsync<Rejected>();

        Assert.Equal(2, rejected.SequenceNr);
        Assert.Contains("NotRegistered", rejected.Reason);
        Assert.Equal(new Added(6, 3), await Ask<Added>(counter, new Add(5)));
        var state = await Ask<CounterState>(counter, new GetState());
        Assert.DoesNotContain("unregistered handler ran", state.Log);
    }

    [Fact]
    public async Task A_failed_write_calls_OnPersistFailure_and_stops_the_actor()
    {
        var gated = new GatedJournal(_journal) { FailWritesWith = new IOException("disk on fire") };
        var counter = _system.ActorOf(CounterActor.Props("counter", gated, _snapshots, _probe.Ref));
        await _probe.WatchAsync(counter);

        _probe.Tell(counter, new Add(1));

        var failed = await _probe.ExpectAsync<PersistFailed>();
        Assert.Equal(1, failed.SequenceNr);
        Assert.Equal("disk on fire", failed.Reason);
        Assert.Equal(counter, (await _probe.ExpectAsync<Terminated>()).ActorRef);
        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync("counter", 0));
    }

    [Fact]
    public async Task A_second_live_writer_for_the_same_id_fails_and_stops_while_the_first_keeps_its_history()
    {
        var first = Start("shared");
        await Ask<Added>(first, new Add(1));
        var second = Start("shared"); // recovers seq 1, like a duplicate singleton would
        await Ask<CounterState>(second, new GetState());
        await Ask<Added>(first, new Add(2));
        await _probe.WatchAsync(second);

        _probe.Tell(second, new Add(50));

        var failed = await _probe.ExpectAsync<PersistFailed>();
        Assert.Contains("'shared'", failed.Reason);
        Assert.Contains("only one writer per persistence id", failed.Reason);
        Assert.Equal(second, (await _probe.ExpectAsync<Terminated>()).ActorRef);
        var replayed = new List<long>();
        await _journal.ReplayAsync("shared", 1, long.MaxValue, long.MaxValue, r => replayed.Add(((Messages.CounterIncremented)r.Payload).Amount));
        Assert.Equal([1L, 2], replayed);
    }

    [Fact]
    public async Task DeleteMessages_removes_replayed_events_and_the_sequence_continues()
    {
        var counter = Start("counter");
        for (var i = 1; i <= 3; i++)
        {
            await Ask<Added>(counter, new Add(i));
        }

        Assert.Equal(new DeleteMessagesSuccess(2), await Ask<DeleteMessagesSuccess>(counter, new Delete(2)));
        var tooFar = await Ask<DeleteMessagesFailure>(counter, new Delete(99));
        Assert.Contains("last sequence number of 'counter' is 3", tooFar.Cause.Message);
        await StopAsync(counter);

        var restarted = Start("counter");
        var state = await Ask<CounterState>(restarted, new GetState());
        Assert.Equal(["event:3", "completed"], state.Log);
        Assert.Equal(3, state.LastSequenceNr);
        Assert.Equal(new Added(7, 4), await Ask<Added>(restarted, new Add(4)));
    }

    [Fact]
    public async Task A_failing_replay_handler_calls_OnRecoveryFailure_and_stops_the_actor()
    {
        var counter = Start("counter");
        await Ask<Added>(counter, new Add(1, "explode"));
        await StopAsync(counter);

        var restarted = Start("counter");
        await _probe.WatchAsync(restarted);

        Assert.Equal("replay handler failed", (await _probe.ExpectAsync<RecoveryFailedNotice>()).Reason);
        Assert.Equal(restarted, (await _probe.ExpectAsync<Terminated>()).ActorRef);
    }

    private IActorRef Start(string persistenceId) =>
        _system.ActorOf(CounterActor.Props(persistenceId, _journal, _snapshots, _probe.Ref));

    private static Task<T> Ask<T>(IActorRef actor, object message) => actor.Ask<T>(message, TimeSpan.FromSeconds(15));

    private async Task StopAsync(IActorRef actor)
    {
        await _probe.WatchAsync(actor);
        _system.Stop(actor);
        Assert.Equal(actor, (await _probe.ExpectAsync<Terminated>()).ActorRef);
    }
}
