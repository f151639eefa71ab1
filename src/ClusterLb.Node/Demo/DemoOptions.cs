namespace ClusterLb.Node.Demo;

/// <summary>
/// What <c>clusterlb demo</c> starts. Node <c>i</c> (0-based) listens on <c>ProxyPort + 100 i</c> and
/// <c>AdminPort + 100 i</c> and clusters on <c>ClusterPort + i</c>; backend <c>j</c> on <c>BackendPort + j</c>.
/// A base port of 0 gives every listener of that kind a free port.
/// </summary>
/// <param name="Nodes">Load balancer nodes: 0 = the backends alone, 1 = one node without a cluster, 2 or more = one cluster.</param>
/// <param name="ProxyPort">First node's proxy port.</param>
/// <param name="AdminPort">First node's admin port.</param>
/// <param name="ClusterPort">First node's cluster port (unused with one node).</param>
/// <param name="BackendPort">First backend's port.</param>
public sealed record DemoOptions(int Nodes = 3, int ProxyPort = 8080, int AdminPort = 8081, int ClusterPort = 4053, int BackendPort = 0)
{
    /// <summary>Most nodes the demo runs: the ports step by 100 from the base.</summary>
    public const int MaxNodes = 9;

    /// <summary>Backends the demo starts.</summary>
    public const int BackendCount = 3;

    /// <summary>The backend port the three-terminal walk-through uses (<c>hocon/cluster-node*.conf</c> point there).</summary>
    public const int WalkThroughBackendPort = 9001;

    /// <summary>A one-line reason when the options cannot work, else null.</summary>
    public string? Validate()
    {
        if (Nodes is < 0 or > MaxNodes)
        {
            return $"--nodes: must be between 0 and {MaxNodes} (was {Nodes})";
        }
        foreach (var (name, port, step, count) in new[]
        {
            ("--port", ProxyPort, 100, Nodes),
            ("--admin-port", AdminPort, 100, Nodes),
            ("--cluster-port", ClusterPort, 1, Nodes),
            ("--backend-port", BackendPort, 1, BackendCount),
        })
        {
            if (port is < 0 or > 65535)
            {
                return $"{name}: must be between 0 and 65535 (was {port})";
            }
            if (port != 0 && port + step * Math.Max(count - 1, 0) > 65535)
            {
                return $"{name}: {port} leaves no room for {Math.Max(count, 1)} port(s) below 65536 (0 = any free port)";
            }
        }
        return null;
    }

    /// <summary>Node <paramref name="index"/>'s port from <paramref name="basePort"/>, stepping by <paramref name="step"/>.</summary>
    internal static int Offset(int basePort, int index, int step) => basePort == 0 ? 0 : basePort + step * index;
}
