using ClusterLb.Node.Demo;

namespace ClusterLb.Node.Tests;

public sealed class DemoOptionsTests
{
    [Fact]
    public void The_defaults_and_port_zero_are_valid()
    {
        Assert.Null(new DemoOptions().Validate());
        Assert.Null(new DemoOptions(Nodes: 9, ProxyPort: 0, AdminPort: 0, ClusterPort: 0).Validate());
        Assert.Null(new DemoOptions(Nodes: 0, BackendPort: DemoOptions.WalkThroughBackendPort).Validate());
    }

    [Theory]
    [InlineData(-1, 8080, 8081, 4053, 0, "--nodes: must be between 0 and 9 (was -1)")]
    [InlineData(10, 8080, 8081, 4053, 0, "--nodes: must be between 0 and 9 (was 10)")]
    [InlineData(3, 70000, 8081, 4053, 0, "--port: must be between 0 and 65535 (was 70000)")]
    [InlineData(3, 8080, 65500, 4053, 0, "--admin-port: 65500 leaves no room for 3 port(s) below 65536")]
    [InlineData(3, 8080, 8081, 65535, 0, "--cluster-port: 65535 leaves no room for 3 port(s) below 65536")]
    [InlineData(0, 8080, 8081, 4053, -2, "--backend-port: must be between 0 and 65535 (was -2)")]
    public void Out_of_range_values_are_named_in_one_line(int nodes, int proxy, int admin, int cluster, int backend, string reason)
    {
        var error = new DemoOptions(nodes, proxy, admin, cluster, backend).Validate();

        Assert.NotNull(error);
        Assert.StartsWith(reason, error);
    }
}
