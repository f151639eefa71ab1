using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// The one call of the Kubernetes API that Kubernetes API discovery makes, over HTTPS on loopback:
/// <c>GET /api/v1/namespaces/{namespace}/pods?labelSelector=...</c>, answered with a pod list serialized by the
/// official client's own <see cref="KubernetesJson"/>. Pods whose labels match the selector are returned; every
/// request is recorded (path, selector, bearer token) so a test can check what discovery asked.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<V1Pod> _pods;

    private FakeKubernetesApi(WebApplication app, List<V1Pod> pods, int port)
    {
        _app = app;
        _pods = pods;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Each request as "PATH?labelSelector=SELECTOR Authorization".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A running pod with one container (<paramref name="container"/>), its IP and its named ports.</summary>
    public static V1Pod Pod(string name, string ns, IDictionary<string, string> labels, string ip, string container, params (string Name, int Port)[] ports) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = labels },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container { Name = container, Ports = ports.Select(p => new V1ContainerPort { Name = p.Name, ContainerPort = p.Port }).ToList() }],
        },
        Status = new V1PodStatus { Phase = "Running", PodIP = ip },
    };

    /// <summary>Starts serving <paramref name="pods"/> with <paramref name="certificate"/> on a free loopback port.</summary>
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2 certificate, IEnumerable<V1Pod> pods)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o =>
        {
            o.Protocols = HttpProtocols.Http1;
            o.UseHttps(certificate);
            bound = o;
        }));
        var app = builder.Build();
        var list = pods.ToList();
        FakeKubernetesApi? api = null;
        app.Run(context => api!.AnswerAsync(context));
        await app.StartAsync();
        api = new FakeKubernetesApi(app, list, bound!.IPEndPoint!.Port);
        return api;
    }

    private Task AnswerAsync(HttpContext context)
    {
        var selector = context.Request.Query["labelSelector"].ToString();
        Requests.Enqueue($"{context.Request.Path}?labelSelector={selector} {context.Request.Headers.Authorization}");
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!HttpMethods.IsGet(context.Request.Method) || segments is not ["api", "v1", "namespaces", var ns, "pods"])
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }
        var wanted = selector.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=', 2)).ToList();
        var items = _pods
            .Where(p => p.Metadata.NamespaceProperty == ns)
            .Where(p => wanted.All(w => w.Length == 2 && p.Metadata.Labels.TryGetValue(w[0], out var v) && v == w[1]))
            .ToList();
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(KubernetesJson.Serialize(new V1PodList { ApiVersion = "v1", Kind = "PodList", Items = items, Metadata = new V1ListMeta() }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
