namespace ClusterLb.Runtime.Audit;

/// <summary>The audit log could not open or recover from its journal, so the node must not start.</summary>
public sealed class AuditLogUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="persistenceId"/>, naming <paramref name="reason"/>.</summary>
    public AuditLogUnavailableException(string persistenceId, string reason, Exception? cause = null)
        : base($"Audit log '{persistenceId}' is unavailable: {reason}", cause)
    {
        PersistenceId = persistenceId;
    }

    /// <summary>The audit log's persistence id.</summary>
    public string PersistenceId { get; }
}
