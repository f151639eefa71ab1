namespace ClusterLb.Balancing.Registry;

/// <summary>The outcome kinds of a registry write.</summary>
public enum RegistryWriteStatus
{
    /// <summary>Applied locally; <see cref="RegistryWriteResult.Consistency"/> says how far it is confirmed.</summary>
    Applied,

    /// <summary>Refused: <see cref="RegistryWriteResult.Field"/> is invalid (HTTP 400).</summary>
    Invalid,

    /// <summary>The pool or host does not exist (HTTP 404).</summary>
    NotFound,

    /// <summary>The pool or host already exists (HTTP 409).</summary>
    Conflict,
}

/// <summary>What a registry write did.</summary>
/// <param name="Status">Applied or why not.</param>
/// <param name="Consistency"><c>majority</c> when a majority of nodes confirmed, <c>local</c> when only this node did
/// (the write still spreads by gossip), empty when not applied.</param>
/// <param name="Field">The offending field for <see cref="RegistryWriteStatus.Invalid"/> (JSON name, e.g. <c>weight</c>).</param>
/// <param name="Reason">Why it was refused, or the warning when only <c>local</c> was reached; empty otherwise.</param>
/// <param name="Pool">The pool after the write (null after a delete or a refusal).</param>
public sealed record RegistryWriteResult(RegistryWriteStatus Status, string Consistency, string? Field, string Reason, PoolSpec? Pool)
{
    /// <summary>A refusal of <paramref name="field"/>.</summary>
    public static RegistryWriteResult Invalid(string field, string reason) => new(RegistryWriteStatus.Invalid, "", field, reason, null);

    /// <summary>A missing pool or host.</summary>
    public static RegistryWriteResult NotFound(string reason) => new(RegistryWriteStatus.NotFound, "", null, reason, null);

    /// <summary>An existing pool or host.</summary>
    public static RegistryWriteResult Conflict(string field, string reason) => new(RegistryWriteStatus.Conflict, "", field, reason, null);
}
