namespace ClusterLb.Balancing.Registry;

/// <summary>
/// The replicated registry as the admin API uses it: reads from this node's replica, writes at WriteMajority
/// (falling back to reporting <c>local</c> when the majority does not answer in time).
/// </summary>
public interface IRegistryAdmin
{
    /// <summary>Every service with its pools.</summary>
    Task<IReadOnlyList<ServiceView>> GetServicesAsync(CancellationToken cancellation);

    /// <summary>Every pool, ordered by service then priority.</summary>
    Task<IReadOnlyList<PoolView>> GetPoolsAsync(CancellationToken cancellation);

    /// <summary>One pool, or null when there is none with that id.</summary>
    Task<PoolView?> GetPoolAsync(string poolId, CancellationToken cancellation);

    /// <summary>Validates and applies <paramref name="command"/>.</summary>
    Task<RegistryWriteResult> ApplyAsync(RegistryCommand command, CancellationToken cancellation);

    /// <summary>The registry version and every node's lag behind it.</summary>
    Task<RegistryStatus> GetStatusAsync(CancellationToken cancellation);
}
