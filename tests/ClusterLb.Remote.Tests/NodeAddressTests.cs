namespace ClusterLb.Remote.Tests;

public sealed class NodeAddressTests
{
    [Fact]
    public void Formats_and_parses_round_trip()
    {
        var address = new NodeAddress("clusterlb", "LB1", 4053);

        Assert.Equal("clb://clusterlb@lb1:4053", address.ToString());
        Assert.Equal(address, NodeAddress.Parse(address.ToString()));
    }

    [Fact]
    public void Parses_an_actor_path_to_its_node_address()
    {
        Assert.True(NodeAddress.TryParse("clb://sys@10.0.0.5:2552/user/router#123", out var address));
        Assert.Equal(new NodeAddress("sys", "10.0.0.5", 2552), address);
    }

    [Fact]
    public void Brackets_ipv6_hosts()
    {
        var address = new NodeAddress("sys", "::1", 2552);

        Assert.Equal("clb://sys@[::1]:2552", address.ToString());
        Assert.Equal(address, NodeAddress.Parse(address.ToString()));
    }

    [Theory]
    [InlineData("akka.tcp://sys@host:1", "must start with")]
    [InlineData("clb://host:1", "'@' are missing")]
    [InlineData("clb://sys@host", "':port' is missing")]
    [InlineData("clb://sys@host:99999", "between 0 and 65535")]
    [InlineData("clb://sys@host:x", "between 0 and 65535")]
    public void Rejects_malformed_addresses_with_a_reason(string text, string reason)
    {
        var ex = Assert.Throws<FormatException>(() => NodeAddress.Parse(text));

        Assert.Contains(reason, ex.Message);
        Assert.Contains(text, ex.Message);
    }
}
