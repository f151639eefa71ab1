using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Node.Demo;

/// <summary>A tiny backend for the demo: says who it is, and answers <c>/health</c> with 200.</summary>
public sealed class DemoBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DemoBackend(string name, WebApplication app, Uri url)
    {
        Name = name;
        _app = app;
        Url = url;
    }

    /// <summary>Backend name (<c>demo-1</c>...).</summary>
    public string Name { get; }

    /// <summary>Where it listens (loopback, OS-chosen port).</summary>
    public Uri Url { get; }

    /// <summary>Starts a backend on loopback <paramref name="port"/> (0 = a port chosen by the OS).</summary>
    public static async Task<DemoBackend> StartAsync(string name, int port = 0)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = name });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port, o =>
        {
            o.Protocols = HttpProtocols.Http1;
            bound = o;
        }));
        var app = builder.Build();
        app.Run(context =>
        {
            if (context.Request.Path == "/health")
            {
                return Task.CompletedTask;
            }
            context.Response.ContentType = "text/plain; charset=utf-8";
            return context.Response.WriteAsync($"Hello from {name} (you asked for {context.Request.Path}{context.Request.QueryString}; forwarded for {context.Request.Headers["X-Forwarded-For"]})\n");
        });
        await app.StartAsync().ConfigureAwait(false);
        return new DemoBackend(name, app, new Uri($"http://127.0.0.1:{bound!.IPEndPoint!.Port}"));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
