using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;
using Yarp.ReverseProxy.Forwarder;

// usage: PlainYarp <listen-url> <backend-url> [<backend-url> ...]
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: PlainYarp <listen-url> <backend-url> [<backend-url> ...]");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls(args[0]);
builder.Services.AddHttpForwarder();
var app = builder.Build();

var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
var invoker = new HttpMessageInvoker(new SocketsHttpHandler
{
    UseProxy = false,
    AllowAutoRedirect = false,
    AutomaticDecompression = DecompressionMethods.None,
    UseCookies = false,
    EnableMultipleHttp2Connections = true,
    ActivityHeadersPropagator = null,
    ConnectTimeout = TimeSpan.FromSeconds(15),
});
var backends = args[1..];
var next = -1;

app.Map("/{**path}", async (HttpContext context) =>
{
    var backend = backends[(uint)Interlocked.Increment(ref next) % (uint)backends.Length];
    var error = await forwarder.SendAsync(context, backend, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default);
    if (error != ForwarderError.None && !context.Response.HasStarted)
    {
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
    }
});

app.Run();
return 0;
