namespace ClusterLb.Balancing.Health;

/// <summary>One kind of active check of one host. Never throws: every failure is a <see cref="ProbeResult"/> with a reason.</summary>
public interface IHealthProbe
{
    /// <summary>What is checked, for logs and status (a URL, or <c>tcp://host:port</c>).</summary>
    string Target { get; }

    /// <summary>Runs one check.</summary>
    Task<ProbeResult> RunAsync(CancellationToken cancellation);
}
