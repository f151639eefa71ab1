namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>A request refused before it reaches the registry: nothing was changed.</summary>
/// <param name="status">HTTP status (400, 408, 413, 415).</param>
/// <param name="error">Short error name (<c>invalid</c>, <c>timeout</c>, <c>too-large</c>, <c>unsupported-media-type</c>).</param>
/// <param name="field">The offending JSON field, <c>body</c> for the body as a whole.</param>
/// <param name="reason">What is wrong and what is expected instead.</param>
public sealed class AdminRequestException(int status, string error, string field, string reason) : Exception(reason)
{
    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>Short error name.</summary>
    public string Error { get; } = error;

    /// <summary>The offending field.</summary>
    public string Field { get; } = field;

    /// <summary>Why.</summary>
    public string Reason { get; } = reason;

    /// <summary>A 400 naming <paramref name="field"/>.</summary>
    public static AdminRequestException Invalid(string field, string reason) => new(400, "invalid", field, reason);
}
