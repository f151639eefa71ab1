using ClusterLb.Tests.Shared;
using Microsoft.Playwright;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// Debian's chromium, headless, driven by Playwright. Playwright never fetches a browser here: it launches the
/// installed executable, with the flags this machine needs (no sandbox as root, no GPU) and none of the browser's
/// own network traffic (QUIC, first-run, background, component and sync requests), which the closed network drops.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    private readonly IPlaywright _playwright;

    private HeadlessChromium(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    /// <summary>Launches chromium; fails naming the Debian package when it is missing.</summary>
    public static async Task<HeadlessChromium> LaunchAsync()
    {
        var executable = Prerequisites.RequireChromium();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = executable,
                Headless = true,
                Args = Arguments,
                Timeout = 60_000,
            });
            return new HeadlessChromium(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
