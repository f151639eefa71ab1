using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.IntegrationTests;

/// <summary>The sticky cookie's text and the ids it carries, without sockets.</summary>
public sealed class StickyCookieTests
{
    private static readonly StickyCookieSettings Cookie = new("lb", true, CookieSameSite.Lax, TimeSpan.FromHours(1), "/");

    private static UpstreamHost Host(string pool, string id, string address) =>
        new("web", pool, new HostSettings(id, new Uri(address)), PassiveHealthSettings.Default, NullOutcomeSink.Instance);

    private static string Issue(StickyCookieSettings cookie, UpstreamHost host, bool https = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = https ? "https" : "http";
        StickyCookie.Issue(context, cookie, host);
        return Assert.Single(context.Response.Headers.SetCookie)!;
    }

    [Fact]
    public void The_cookie_carries_every_attribute_and_secure_only_over_https()
    {
        var host = Host("main", "b1", "http://10.0.0.5:8080");
        Assert.Equal($"lb={host.AffinityToken}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax", Issue(Cookie, host));
        Assert.EndsWith("; SameSite=Lax; Secure", Issue(Cookie, host, https: true));
        Assert.Equal($"s={host.AffinityToken}; Path=/app; SameSite=Strict",
            Issue(new StickyCookieSettings("s", false, CookieSameSite.Strict, TimeSpan.Zero, "/app"), host));
    }

    [Fact]
    public void The_value_names_pool_and_host_by_an_opaque_id_alike_on_every_node()
    {
        var here = Host("main", "b1", "http://10.0.0.5:8080");
        var there = Host("main", "b1", "http://10.0.0.5:8080");
        Assert.Equal(here.AffinityToken, there.AffinityToken);
        Assert.Matches("^[0-9a-f]{16}$", here.AffinityToken);
        Assert.DoesNotContain("10.0.0.5", Issue(Cookie, here));
        Assert.NotEqual(here.AffinityToken, Host("main", "b2", "http://10.0.0.5:8080").AffinityToken);
        Assert.NotEqual(here.AffinityToken, Host("other", "b1", "http://10.0.0.5:8080").AffinityToken);
    }

    [Fact]
    public void An_issued_cookie_reads_back_as_the_hosts_id()
    {
        var host = Host("main", "b1", "http://10.0.0.5:8080");
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = $"other=1; lb={host.AffinityToken}";
        Assert.True(StickyCookie.TryRead(request, Cookie, out var id));
        Assert.Equal(host.AffinityId, id);
    }

    [Theory]
    [InlineData("lb=0123")]
    [InlineData("lb=zzzzzzzzzzzzzzzz")]
    [InlineData("lb=")]
    [InlineData("lbx=0123456789abcdef")]
    public void A_missing_or_unreadable_cookie_names_no_host(string header)
    {
        var request = new DefaultHttpContext().Request;
        request.Headers.Cookie = header;
        Assert.False(StickyCookie.TryRead(request, Cookie, out _));
    }
}
