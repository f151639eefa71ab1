using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy.Admin.Dashboard;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// The dashboard's files on a real admin listener: content types, the Content-Security-Policy and the other
/// headers, revalidation, errors; and that the files ask for nothing the policy would block.
/// </summary>
public sealed partial class DashboardFilesTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("/dashboard", "text/html; charset=utf-8", "<script src=\"/dashboard/app.js\" defer></script>")]
    [InlineData("/dashboard/", "text/html; charset=utf-8", "<link rel=\"stylesheet\" href=\"/dashboard/app.css\">")]
    [InlineData("/dashboard/app.js", "text/javascript; charset=utf-8", "fetch('/events'")]
    [InlineData("/dashboard/app.css", "text/css; charset=utf-8", "@media (max-width: 760px)")]
    [InlineData("/dashboard/icon.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"")]
    public async Task Each_file_is_served_with_its_content_type_and_a_strict_content_security_policy(string path, string contentType, string excerpt)
    {
        await using var harness = await StartAsync();

        using var response = await harness.Admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.ToString());
        Assert.Equal(DashboardEndpoint.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Contains("script-src 'self'", DashboardEndpoint.ContentSecurityPolicy);
        Assert.DoesNotContain("unsafe", DashboardEndpoint.ContentSecurityPolicy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.True(response.Headers.CacheControl?.NoCache, "revalidated on every load");
        Assert.NotNull(response.Headers.ETag);
        Assert.Contains(excerpt, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_file_the_browser_has_answers_304_to_its_etag_and_head_answers_without_a_body()
    {
        await using var harness = await StartAsync();
        using var first = await harness.Admin.GetAsync("/dashboard/app.js");
        var etag = first.Headers.ETag!;

        using var again = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        again.Headers.IfNoneMatch.Add(etag);
        using var revalidated = await harness.Admin.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        Assert.Empty(await revalidated.Content.ReadAsByteArrayAsync());

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/dashboard/app.js");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"an-older-build\""));
        using var full = await harness.Admin.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await full.Content.ReadAsByteArrayAsync());

        using var head = await harness.Admin.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/dashboard"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("text/html; charset=utf-8", head.Content.Headers.ContentType?.ToString());
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/dashboard/nothing.js", HttpStatusCode.NotFound, "not-found", "No dashboard file at /dashboard/nothing.js; open GET /dashboard")]
    [InlineData("/dashboardx", HttpStatusCode.NotFound, "not-found", "try GET /status, GET /dashboard")]
    public async Task An_unknown_dashboard_path_is_a_json_404_that_names_the_dashboard(string path, HttpStatusCode status, string error, string reason)
    {
        await using var harness = await StartAsync();

        using var response = await harness.Admin.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(error, body.RootElement.GetProperty("error").GetString());
        Assert.Contains(reason, body.RootElement.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_post_to_a_dashboard_file_is_a_405_that_allows_get_and_head()
    {
        await using var harness = await StartAsync();

        using var response = await harness.Admin.PostAsync("/dashboard/app.js", null);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(new[] { "GET", "HEAD" }, response.Content.Headers.Allow.Order());
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task The_files_load_nothing_from_elsewhere_and_use_nothing_the_policy_blocks()
    {
        await using var harness = await StartAsync();
        var files = new Dictionary<string, string>();
        foreach (var path in new[] { "/dashboard", "/dashboard/app.js", "/dashboard/app.css", "/dashboard/icon.svg" })
        {
            files[path] = await harness.Admin.GetStringAsync(path);
        }

        foreach (var (path, text) in files)
        {
            // The SVG namespace is a name, not a request.
            var urls = AbsoluteUrl().Matches(text).Select(m => m.Value).Where(u => u != "http://www.w3.org/2000/svg").ToList();
            Assert.True(urls.Count == 0, $"{path} names {string.Join(", ", urls)}");
            Assert.DoesNotContain("@import", text);
            Assert.DoesNotContain("innerHTML", text);
            Assert.DoesNotContain("eval(", text);
        }
        var html = files["/dashboard"];
        Assert.DoesNotContain(" style=", html);
        Assert.DoesNotMatch(@"\son[a-z]+\s*=", html);
        Assert.Single(Regex.Matches(html, "<script"));
        output.WriteLine($"sizes: {string.Join(", ", files.Select(f => $"{f.Key} {f.Value.Length} chars"))}");
    }

    private async Task<NodeHarness> StartAsync()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        return await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));
    }

    [GeneratedRegex(@"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}[^\s""')]*", RegexOptions.IgnoreCase)]
    private static partial Regex AbsoluteUrl();
}
