using System.Net;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.IntegrationTests;

/// <summary>The request key a <c>hash</c> pool routes by, read from raw request text, without sockets.</summary>
public sealed class RequestKeyHasherTests
{
    private static readonly ClientAddressResolver Clients = new(ClientAddressSettings.None);

    private static HttpContext Request(Action<HttpRequest> build)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        build(context.Request);
        return context;
    }

    private static ulong? Hash(string key, Action<HttpRequest> build) =>
        RequestKeyHasher.TryHash(Request(build), HashKey.Parse(key), Clients, out var hash) ? hash : null;

    [Fact]
    public void A_header_key_hashes_its_value_alone()
    {
        var alice = Hash("header:X-User", r => r.Headers["X-User"] = "alice");
        Assert.NotNull(alice);
        Assert.Equal(alice, Hash("header:x-user", r => { r.Headers["X-User"] = "alice"; r.Headers["X-Other"] = "1"; r.Path = "/elsewhere"; }));
        Assert.NotEqual(alice, Hash("header:X-User", r => r.Headers["X-User"] = "bob"));
        Assert.Null(Hash("header:X-User", r => r.Headers["X-Other"] = "alice"));
    }

    [Fact]
    public void A_cookie_key_finds_its_cookie_among_others_by_exact_name()
    {
        var alice = Hash("cookie:user", r => r.Headers.Cookie = "user=alice");
        Assert.NotNull(alice);
        Assert.Equal(alice, Hash("cookie:user", r => r.Headers.Cookie = "a=1; user=alice; b=2"));
        Assert.Equal(alice, Hash("cookie:user", r => r.Headers.Cookie = new[] { "a=1", "user=\"alice\"" }));
        Assert.NotEqual(alice, Hash("cookie:user", r => r.Headers.Cookie = "user=bob"));
        Assert.Null(Hash("cookie:user", r => r.Headers.Cookie = "username=alice; xuser=alice"));
        Assert.Null(Hash("cookie:user", _ => { }));
    }

    [Fact]
    public void A_query_key_finds_its_parameter()
    {
        var seven = Hash("query:tenant", r => r.QueryString = new QueryString("?tenant=7"));
        Assert.NotNull(seven);
        Assert.Equal(seven, Hash("query:tenant", r => r.QueryString = new QueryString("?a=1&tenant=7&b=2")));
        Assert.NotEqual(seven, Hash("query:tenant", r => r.QueryString = new QueryString("?tenant=8")));
        Assert.Null(Hash("query:tenant", r => r.QueryString = new QueryString("?tenants=7")));
    }

    [Fact]
    public void Host_keys_ignore_case_and_port_and_path_keys_take_the_path()
    {
        var host = Hash("host", r => r.Host = new HostString("Shop.Example.com:8443"));
        Assert.Equal(host, Hash("host", r => r.Host = new HostString("shop.example.com")));
        Assert.NotEqual(host, Hash("host", r => r.Host = new HostString("api.example.com")));
        Assert.Null(Hash("host", _ => { }));
        Assert.NotEqual(Hash("path", r => r.Path = "/a"), Hash("path", r => r.Path = "/b"));
        Assert.Equal(Hash("path", r => r.Path = "/"), Hash("path", _ => { }));
    }

    [Fact]
    public void The_client_ip_key_is_the_resolved_address()
    {
        Assert.Equal(ClientAddressResolver.Hash(IPAddress.Parse("203.0.113.7")), Hash("client-ip", _ => { }));
    }

    [Theory]
    [InlineData("header:X-User")]
    [InlineData("cookie:user")]
    [InlineData("query:tenant")]
    [InlineData("host")]
    [InlineData("path")]
    [InlineData("client-ip")]
    public void Hashing_a_key_allocates_nothing(string text)
    {
        var key = HashKey.Parse(text);
        var context = Request(r =>
        {
            r.Headers["X-User"] = "alice";
            r.Headers.Cookie = "a=1; user=alice";
            r.QueryString = new QueryString("?tenant=7");
            r.Host = new HostString("shop.example.com:8443");
            r.Path = "/cart";
        });
        RequestKeyHasher.TryHash(context, key, Clients, out _);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            Assert.True(RequestKeyHasher.TryHash(context, key, Clients, out _));
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
