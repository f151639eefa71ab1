using System.Collections.Immutable;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Proxy.Forwarding;

namespace ClusterLb.IntegrationTests;

/// <summary>Request-to-service matching rules, without sockets.</summary>
public sealed class ServiceMatcherTests
{
    private static readonly ServiceMatcher Matcher = Build(
        ("catch-all", [], "/"),
        ("static", [], "/static"),
        ("api", ["api.example.com"], "/"),
        ("api-v2", ["api.example.com"], "/v2/"),
        ("tenants", ["*.example.com"], "/"),
        ("v6", ["[::1]"], "/"));

    private static ServiceMatcher Build(params (string Name, string[] Hosts, string Prefix)[] services)
    {
        var settings = services.Select(s => new ServiceSettings(s.Name, new ServiceMatch([.. s.Hosts], s.Prefix), [])).ToList();
        return new ServiceMatcher(settings, settings.ToDictionary(s => s.Name, s => new RouteHandle(s.Name)));
    }

    [Theory]
    [InlineData("api.example.com", "/users", "api")]
    [InlineData("API.Example.com:8443", "/users", "api")]
    [InlineData("api.example.com", "/v2/users", "api-v2")]
    [InlineData("api.example.com", "/v2", "api")]
    [InlineData("shop.example.com", "/", "tenants")]
    [InlineData("example.com", "/", "catch-all")]
    [InlineData("other.test", "/static/app.js", "static")]
    [InlineData("other.test", "/static", "static")]
    [InlineData("other.test", "/staticky", "catch-all")]
    [InlineData("[::1]:8080", "/", "v6")]
    [InlineData(null, null, "catch-all")]
    public void Most_specific_host_then_longest_prefix_wins(string? host, string? path, string expected) =>
        Assert.Equal(expected, Matcher.Match(host, path)?.ServiceName);

    [Fact]
    public void Without_a_catch_all_an_unmatched_request_finds_nothing()
    {
        var matcher = Build(("api", ["api.example.com"], "/v1"));
        Assert.Null(matcher.Match("api.example.com", "/v2"));
        Assert.Null(matcher.Match("web.example.com", "/v1"));
    }
}
