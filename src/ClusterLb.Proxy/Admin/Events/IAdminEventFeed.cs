using ClusterLb.Balancing.Registry;

namespace ClusterLb.Proxy.Admin.Events;

/// <summary>
/// The registry and health events <c>GET /events</c> streams: every node's when the node is clustered, this node's
/// otherwise. The node supplies the implementation; the proxy layer knows nothing about actors or the cluster.
/// </summary>
public interface IAdminEventFeed
{
    /// <summary>
    /// Calls <paramref name="sink"/> for every event from now on until the returned handle is disposed. The sink
    /// runs on the feed's thread and must not block (hand the event to a buffer and return).
    /// </summary>
    IDisposable Subscribe(Action<RegistryEvent> sink);
}
