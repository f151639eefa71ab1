using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Events.Wire;

namespace ClusterLb.Runtime.Events;

/// <summary>Converts <see cref="RegistryEvent"/> to and from its protobuf form, which remoting can carry.</summary>
internal static class RegistryEventEnvelopes
{
    /// <summary>The protobuf form of <paramref name="e"/>.</summary>
    public static RegistryEventEnvelope ToWire(RegistryEvent e)
    {
        var wire = new RegistryEventEnvelope { Kind = e.Kind, Node = e.Node, Detail = e.Detail, AtUnixMs = e.At.ToUnixTimeMilliseconds() };
        if (e.Service is { } service)
        {
            wire.Service = service;
        }
        if (e.Pool is { } pool)
        {
            wire.Pool = pool;
        }
        if (e.Host is { } host)
        {
            wire.Host = host;
        }
        return wire;
    }

    /// <summary>The event <paramref name="w"/> carries.</summary>
    public static RegistryEvent FromWire(RegistryEventEnvelope w) =>
        new(w.Kind, w.Node, w.HasService ? w.Service : null, w.HasPool ? w.Pool : null, w.HasHost ? w.Host : null, w.Detail,
            DateTimeOffset.FromUnixTimeMilliseconds(w.AtUnixMs));
}
