using System.Collections.Immutable;
using System.Net;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.IntegrationTests;

/// <summary>The real client address behind trusted proxies (the recursive rule), without sockets.</summary>
public sealed class ClientAddressResolverTests
{
    private static readonly ClientAddressResolver BehindTenNet =
        new(new ClientAddressSettings([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("fd00::/8")], "X-Forwarded-For"));

    private static HttpContext Request(string peer, params string[] forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor.Length > 0)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }
        return context;
    }

    [Theory]
    [InlineData("10.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("10.0.0.1", "203.0.113.7, 10.0.0.5", "203.0.113.7")]
    [InlineData("10.0.0.1", "1.1.1.1, 198.51.100.2, 10.0.0.5", "198.51.100.2")]
    [InlineData("10.0.0.1", "10.1.1.1, 10.2.2.2", "10.1.1.1")]
    [InlineData("10.0.0.1", "203.0.113.7, junk, 10.0.0.5", "10.0.0.5")]
    [InlineData("10.0.0.1", "", "10.0.0.1")]
    [InlineData("::ffff:10.0.0.1", "203.0.113.7", "203.0.113.7")]
    [InlineData("fd00::1", "2001:db8::7", "2001:db8::7")]
    public void A_trusted_peer_is_believed_hop_by_hop_from_the_right(string peer, string forwardedFor, string expected) =>
        Assert.Equal(IPAddress.Parse(expected), BehindTenNet.Resolve(Request(peer, forwardedFor)));

    [Fact]
    public void An_untrusted_peer_is_the_client_whatever_it_sends()
    {
        Assert.Equal(IPAddress.Parse("198.51.100.9"), BehindTenNet.Resolve(Request("198.51.100.9", "10.0.0.5")));
        Assert.Equal(IPAddress.Parse("10.0.0.1"), new ClientAddressResolver(ClientAddressSettings.None).Resolve(Request("10.0.0.1", "203.0.113.7")));
    }

    [Fact]
    public void Several_header_lines_read_as_one_list_in_order()
    {
        Assert.Equal(IPAddress.Parse("203.0.113.7"), BehindTenNet.Resolve(Request("10.0.0.1", "192.0.2.1, 203.0.113.7", "10.0.0.9")));
    }

    [Fact]
    public void A_configured_real_ip_header_replaces_x_forwarded_for()
    {
        var resolver = new ClientAddressResolver(new ClientAddressSettings([IPNetwork.Parse("127.0.0.1/32")], "X-Real-IP"));
        var context = Request("127.0.0.1", "192.0.2.1");
        context.Request.Headers["X-Real-IP"] = "203.0.113.50";
        Assert.Equal(IPAddress.Parse("203.0.113.50"), resolver.Resolve(context));
    }

    [Fact]
    public void The_hash_is_the_address_not_the_route_it_came_by()
    {
        var direct = ClientAddressResolver.Hash(IPAddress.Parse("203.0.113.7"));
        Assert.Equal(direct, BehindTenNet.Hash(Request("10.0.0.1", "203.0.113.7, 10.0.0.5")));
        Assert.Equal(direct, BehindTenNet.Hash(Request("10.9.9.9", "203.0.113.7")));
        Assert.NotEqual(direct, ClientAddressResolver.Hash(IPAddress.Parse("203.0.113.8")));
        Assert.Equal(0UL, ClientAddressResolver.Hash(null));
    }

    [Fact]
    public void Trusted_proxies_and_the_header_read_from_hocon_and_a_bare_address_is_a_network_of_one()
    {
        var settings = NodeConfigReader.Read(ConfigFactory.ParseString("""
            clusterlb.proxy { trusted-proxies = ["10.0.0.0/8", "192.0.2.10", "fd00::/8"], real-ip-header = "X-Real-IP" }
            """).WithFallback(Reference()).Resolve());
        var clients = settings.Proxy.ClientAddress;
        Assert.Equal("X-Real-IP", clients.RealIpHeader);
        Assert.Equal(["10.0.0.0/8", "192.0.2.10/32", "fd00::/8"], clients.TrustedProxies.Select(n => n.ToString()));
    }

    [Fact]
    public void A_bad_network_or_header_is_refused_with_its_location()
    {
        var ex = Assert.Throws<SettingsException>(() => NodeConfigReader.Read(ConfigFactory.ParseString(
            "clusterlb.proxy {\n  trusted-proxies = [\"10.0.0.0/33\"]\n  real-ip-header = \"X Real\"\n}", "proxy.conf").WithFallback(Reference()).Resolve()));
        Assert.Contains(ex.Errors, e => e.StartsWith("proxy.conf:2:") && e.Contains("clusterlb.proxy.trusted-proxies") && e.Contains("10.0.0.0/33"));
        Assert.Contains(ex.Errors, e => e.StartsWith("proxy.conf:3:") && e.Contains("clusterlb.proxy.real-ip-header"));
    }

    private static Config Reference() => ConfigFactory.ParseFile(Path.Combine(AppContext.BaseDirectory, "hocon", "reference.conf"));
}
