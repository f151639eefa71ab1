namespace ClusterLb.Runtime.Audit;

/// <summary>
/// Completes once an <see cref="AuditLogActor"/> has recovered, or faults with the reason it could not. Akka stops a
/// persistent actor whose recovery fails and drops the commands it had stashed, so an asker would only see a
/// timeout; this carries the journal's own error to whoever starts the node.
/// </summary>
public sealed class AuditLogReadiness
{
    private readonly TaskCompletionSource<long> _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates the readiness signal of the log stored under <paramref name="persistenceId"/>.</summary>
    public AuditLogReadiness(string persistenceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        PersistenceId = persistenceId;
    }

    /// <summary>The audit log's persistence id.</summary>
    public string PersistenceId { get; }

    /// <summary>The highest stored sequence number once recovered; faults with <see cref="AuditLogUnavailableException"/>.</summary>
    public Task<long> Recovered => _recovered.Task;

    /// <summary>Waits for <see cref="Recovered"/>, turning a timeout into an <see cref="AuditLogUnavailableException"/>.</summary>
    /// <returns>The highest stored sequence number (0 for an empty log).</returns>
    public async Task<long> WaitAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        try
        {
            return await Recovered.WaitAsync(timeout, cancellation).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw new AuditLogUnavailableException(
                PersistenceId,
                $"its journal did not complete recovery within {timeout.TotalSeconds:0.###} s (is the database reachable? the journal's own error is in the Akka log)",
                e);
        }
    }

    /// <summary>The messages of an exception and its inner exceptions, outermost first, each once.</summary>
    internal static string Describe(Exception? e)
    {
        var messages = new List<string>();
        for (; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(" -> ", messages);
    }

    internal void Succeed(long highestSequenceNr) => _recovered.TrySetResult(highestSequenceNr);

    internal void Fail(string reason, Exception? cause) =>
        _recovered.TrySetException(new AuditLogUnavailableException(PersistenceId, reason, cause));
}
