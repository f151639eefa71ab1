using ClusterLb.Balancing.Registry;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// The <c>registry</c> part of <c>/status</c> and <c>/cluster/status</c>: the registry version and every node's
/// lag, or an error object when the registry does not answer (the rest of the status is still worth showing).
/// </summary>
public static class RegistryStatusReader
{
    /// <summary>A <see cref="RegistryStatus"/>, an <see cref="AdminError"/>, or null on a node without a registry.</summary>
    public static async Task<object?> ReadAsync(IRegistryAdmin? registry, CancellationToken cancellation)
    {
        if (registry is null)
        {
            return null;
        }
        try
        {
            return await registry.GetStatusAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellation.IsCancellationRequested || ex is OperationCanceledException)
        {
            return new AdminError("registry-unavailable", $"the registry did not answer: {ex.Message}");
        }
    }
}
