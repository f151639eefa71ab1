using ClusterLb.Persistence.Journal;

namespace ClusterLb.Persistence.Tests.Infrastructure;

/// <summary>A journal decorator that holds replays and/or writes until the test opens a gate, and can fail writes.</summary>
public sealed class GatedJournal(IJournal inner) : IJournal
{
    private readonly TaskCompletionSource _replayGate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writeGate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool HoldReplay { get; init; }

    public bool HoldWrites { get; init; }

    public Exception? FailWritesWith { get; set; }

    public TaskCompletionSource ReplayStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int WriteCalls;

    public void OpenReplay() => _replayGate.TrySetResult();

    public void OpenWrites() => _writeGate.TrySetResult();

    public async Task<IReadOnlyList<Exception?>> WriteAsync(IReadOnlyList<AtomicWrite> writes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref WriteCalls);
        WriteStarted.TrySetResult();
        if (HoldWrites)
        {
            await _writeGate.Task.WaitAsync(cancellationToken);
        }

        if (FailWritesWith is { } failure)
        {
            throw failure;
        }

        return await inner.WriteAsync(writes, cancellationToken);
    }

    public async Task ReplayAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        ReplayStarted.TrySetResult();
        if (HoldReplay)
        {
            await _replayGate.Task.WaitAsync(cancellationToken);
        }

        await inner.ReplayAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
}
