using System.Net;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Proxy.Streams;

/// <summary>The listener of one TCP or UDP service.</summary>
public interface IStreamListener : IAsyncDisposable
{
    /// <summary>The service it serves.</summary>
    string ServiceName { get; }

    /// <summary>TCP or UDP.</summary>
    ServiceProtocol Protocol { get; }

    /// <summary>The bound address (with the OS-chosen port when the configured one was 0); valid after <see cref="Start"/>.</summary>
    IPEndPoint LocalEndPoint { get; }

    /// <summary>Binds and starts serving.</summary>
    /// <exception cref="IOException">The address cannot be bound (in use, not local, no permission).</exception>
    void Start();

    /// <summary>Stops taking new clients, lets open connections or sessions finish until <paramref name="drain"/> fires, then closes the rest.</summary>
    Task StopAsync(CancellationToken drain);
}
