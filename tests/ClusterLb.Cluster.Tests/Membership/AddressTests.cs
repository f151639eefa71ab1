using static ClusterLb.Cluster.Tests.TestNodes;

namespace ClusterLb.Cluster.Tests.Membership;

public class AddressTests
{
    [Fact]
    public void Parses_and_prints_the_clb_form()
    {
        var a = Address.Parse("clb://clusterlb@10.0.0.1:4053");
        Assert.Equal(new Address("clb", "clusterlb", "10.0.0.1", 4053), a);
        Assert.Equal("clb://clusterlb@10.0.0.1:4053", a.ToString());
    }

    [Fact]
    public void Parses_bracketed_ipv6_hosts() =>
        Assert.Equal("::1", Address.Parse("clb://sys@[::1]:2552").Host);

    [Theory]
    [InlineData("10.0.0.1:4053", "no protocol")]
    [InlineData("clb://10.0.0.1:4053", "no system name")]
    [InlineData("clb://sys@10.0.0.1", "no host:port")]
    [InlineData("clb://sys@10.0.0.1:", "no host:port")]
    [InlineData("clb://sys@10.0.0.1:70000", "invalid port")]
    [InlineData("clb://sys@10.0.0.1:-1", "invalid port")]
    [InlineData("clb://sys@10.0.0.1:abc", "invalid port")]
    public void Bad_addresses_are_rejected_with_the_reason(string text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => Address.Parse(text));
        Assert.Contains(reason, e.Message);
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Address_order_is_host_then_port_then_uid()
    {
        var ordered = new[] { Node("a", 2, 2552), Node("a", 1, 2553), Node("b", 1, 1) };
        Assert.Equal(ordered, ordered.Reverse().OrderBy(n => n).ToArray());
        Assert.True(Node("a", 1).CompareTo(Node("a", 2)) < 0);
        Assert.Equal(0, AddressOrdering.Instance.Compare(Addr("x"), Addr("x")));
    }
}
