using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// One browser tab on a node's <c>/dashboard</c>, in a context of its own (so its own sessionStorage), with the
/// locators the dashboard tests use. Script errors and Content-Security-Policy violations are collected, and
/// <see cref="AssertNoScriptErrors"/> fails on any.
/// </summary>
internal sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _errors = [];

    private DashboardPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
    }

    public IPage Page { get; }

    /// <summary>Opens <paramref name="adminUrl"/>'s dashboard at a desktop size; the browser's console goes to the test output.</summary>
    public static async Task<DashboardPage> OpenAsync(HeadlessChromium chromium, Uri adminUrl, ITestOutputHelper output)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        var dashboard = new DashboardPage(context, page);
        page.Console += (_, message) =>
        {
            output.WriteLine($"[browser {message.Type}] {message.Text}");
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                dashboard._errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) =>
        {
            output.WriteLine($"[browser script error] {error}");
            dashboard._errors.Add(error);
        };
        await page.GotoAsync(new Uri(adminUrl, "/dashboard").ToString());
        return dashboard;
    }

    /// <summary>A member's row in the members table.</summary>
    public ILocator Member(string address) => Page.Locator($"#members tr[data-member=\"{address}\"]");

    public ILocator Members => Page.Locator("#members tr[data-member]");

    /// <summary>A host's row in its pool's table.</summary>
    public ILocator Host(string pool, string host) => Page.Locator($"tr[data-host=\"{pool}/{host}\"]");

    public ILocator Hosts => Page.Locator("tr[data-host]");

    /// <summary>What the last drain/down/up click gave.</summary>
    public ILocator ActionResult => Page.Locator("#action-result");

    /// <summary>Why the page cannot show the node (unreachable, or a token is needed).</summary>
    public ILocator Problem => Page.Locator("#problem");

    /// <summary>The events stream indicator; <c>data-live</c> is <c>live</c> once <c>/events</c> is followed.</summary>
    public ILocator Live => Page.Locator("#live");

    /// <summary>Entries of the events list of <paramref name="kind"/> (<c>host_down</c>, ...) naming <paramref name="target"/>.</summary>
    public ILocator Event(string kind, string target) => Page.Locator($"#events li[data-kind=\"{kind}\"]", new() { HasText = target });

    /// <summary>Types the admin token into the page's form, as a user would.</summary>
    public async Task UseTokenAsync(string token)
    {
        await Page.Locator("#token").FillAsync(token);
        await Page.Locator("#token-form button[type=submit]").ClickAsync();
    }

    /// <summary>Clicks <paramref name="verb"/> (<c>drain</c>, <c>down</c> or <c>up</c>) on a host's row.</summary>
    public Task ClickAsync(string pool, string host, string verb) =>
        Host(pool, host).Locator($"button[data-action=\"{verb}\"]").ClickAsync();

    public void AssertNoScriptErrors() =>
        Assert.True(_errors.Count == 0, $"the page had script errors or CSP violations: {string.Join(" | ", _errors)}");

    public ValueTask DisposeAsync() => _context.DisposeAsync();
}
