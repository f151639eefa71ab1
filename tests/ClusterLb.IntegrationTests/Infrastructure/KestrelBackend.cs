using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A Kestrel app on a loopback port of the OS's choosing, for backends the shared <see cref="TestBackend"/> does
/// not cover: TLS with a chosen certificate, h2c only, gRPC.
/// </summary>
internal sealed class KestrelBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelBackend(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Where the backend listens: <c>http://127.0.0.1:PORT</c> or <c>https://127.0.0.1:PORT</c>.</summary>
    public Uri Url { get; }

    /// <param name="protocols">The listener's HTTP versions.</param>
    /// <param name="https">Sets up TLS on the listener; null for cleartext.</param>
    /// <param name="services">Adds services (gRPC).</param>
    /// <param name="map">Maps the endpoints.</param>
    public static async Task<KestrelBackend> StartAsync(HttpProtocols protocols, Action<HttpsConnectionAdapterOptions>? https, Action<IServiceCollection>? services, Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        services?.Invoke(builder.Services);
        ListenOptions? bound = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = protocols;
            if (https is not null)
            {
                o.UseHttps(https);
            }
            bound = o;
        }));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var scheme = https is null ? "http" : "https";
        return new KestrelBackend(app, new Uri($"{scheme}://127.0.0.1:{bound!.IPEndPoint!.Port}"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(new CancellationToken(canceled: true));
        await _app.DisposeAsync();
    }
}
