using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Balancing;

namespace ClusterLb.Runtime.Registry;

/// <summary>
/// Thrown by a registry write's modify function, inside the replicator, when the replica's current value refuses
/// the command (unknown pool or host, taken id). The replicator answers ModifyFailure and changes nothing, so the
/// existence check and the write are one step against the local replica.
/// </summary>
internal sealed class RegistryRefusal(RegistryWriteResult result) : Exception(result.Reason)
{
    public RegistryWriteResult Result { get; } = result;
}
