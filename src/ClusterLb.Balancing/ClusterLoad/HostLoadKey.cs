namespace ClusterLb.Balancing.ClusterLoad;

/// <summary>A host as every node names it: service, pool and host id (the same on every node, from the registry).</summary>
/// <param name="Service">Service name.</param>
/// <param name="Pool">Pool id.</param>
/// <param name="Host">Host id within the pool.</param>
public readonly record struct HostLoadKey(string Service, string Pool, string Host)
{
    /// <inheritdoc />
    public override string ToString() => $"{Service}/{Pool}/{Host}";
}
