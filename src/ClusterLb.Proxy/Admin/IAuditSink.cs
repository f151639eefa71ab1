namespace ClusterLb.Proxy.Admin;

/// <summary>Records admin changes in the node's audit log (read back through <see cref="IAuditSource"/>).</summary>
public interface IAuditSink
{
    /// <summary>Stores one entry; completes once it is durable.</summary>
    /// <param name="actor">Who made the change (<c>admin</c> for the bearer token).</param>
    /// <param name="action">What was done, such as <c>host-add</c>.</param>
    /// <param name="target">What it was done to, such as <c>main/b1</c>.</param>
    /// <param name="detail">The fields of the change and how far it is confirmed.</param>
    /// <param name="cancellation">Stops waiting (the entry may still be stored).</param>
    Task RecordAsync(string actor, string action, string target, string detail, CancellationToken cancellation);
}
