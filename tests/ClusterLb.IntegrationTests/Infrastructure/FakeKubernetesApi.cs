using System.Collections.Concurrent;
using System.Collections.Immutable;
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
/// The two calls of the Kubernetes API that ClusterLb makes, over HTTPS on loopback, answered with lists serialized by
/// the official client's own <see cref="KubernetesJson"/>: <c>GET /api/v1/namespaces/{namespace}/pods?labelSelector=...</c>
/// (Cluster Bootstrap's Kubernetes API discovery; the pods are fixed at start) and
/// <c>GET /apis/discovery.k8s.io/v1/namespaces/{namespace}/endpointslices?labelSelector=...</c> (a pool's
/// <c>discovery.type = kubernetes</c>; the test changes the slices while it runs). Objects whose labels match the
/// selector are returned; <see cref="FailWith"/> makes every answer an error status instead, and <see cref="Delay"/>
/// a late one. Every request is recorded (path, selector, bearer token) so a test can check what was asked.
/// </summary>
internal sealed class FakeKubernetesApi : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<V1Pod> _pods;
    private ImmutableArray<V1EndpointSlice> _slices = [];
    private int _failWith;
    private int _failures;

    private FakeKubernetesApi(WebApplication app, List<V1Pod> pods, int port)
    {
        _app = app;
        _pods = pods;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Each request as "PATH?labelSelector=SELECTOR Authorization".</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A status code (500, 503, ...) every request is answered with, as a Kubernetes Status; 0 = answer normally.</summary>
    public int FailWith
    {
        get => Volatile.Read(ref _failWith);
        set => Volatile.Write(ref _failWith, value);
    }

    /// <summary>How many requests were answered with <see cref="FailWith"/>'s status.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>How long every request waits before it is answered (zero: at once), to play an API server that hangs.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Replaces every EndpointSlice the API serves; the next list sees exactly these.</summary>
    public void SetEndpointSlices(params V1EndpointSlice[] slices) => ImmutableInterlocked.InterlockedExchange(ref _slices, [.. slices]);

    /// <summary>
    /// An EndpointSlice of Service <paramref name="service"/> (the label <c>kubernetes.io/service-name</c>), IPv4, with
    /// TCP <paramref name="ports"/> shared by its <paramref name="endpoints"/>.
    /// </summary>
    public static V1EndpointSlice Slice(string name, string ns, string service, (string Name, int Port)[] ports, params V1Endpoint[] endpoints) => new()
    {
        ApiVersion = "discovery.k8s.io/v1",
        Kind = "EndpointSlice",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = service } },
        AddressType = "IPv4",
        Ports = [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port, Protocol = "TCP" })],
        Endpoints = endpoints,
    };

    /// <summary>An endpoint at <paramref name="ip"/> with the conditions the EndpointSlice controller sets.</summary>
    public static V1Endpoint Endpoint(string ip, bool ready = true, bool serving = true, bool terminating = false) => new()
    {
        Addresses = [ip],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
    };

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
    public static async Task<FakeKubernetesApi> StartAsync(X509Certificate2 certificate, IEnumerable<V1Pod>? pods = null)
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
        var list = pods?.ToList() ?? [];
        FakeKubernetesApi? api = null;
        app.Run(context => api!.AnswerAsync(context));
        await app.StartAsync();
        api = new FakeKubernetesApi(app, list, bound!.IPEndPoint!.Port);
        return api;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var selector = context.Request.Query["labelSelector"].ToString();
        Requests.Enqueue($"{context.Request.Path}?labelSelector={selector} {context.Request.Headers.Authorization}");
        if (Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await AnswerNowAsync(context, selector);
    }

    private Task AnswerNowAsync(HttpContext context, string selector)
    {
        var segments = (context.Request.Path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (FailWith is var status and > 0)
        {
            Interlocked.Increment(ref _failures);
            return WriteAsync(context, status, new V1Status { ApiVersion = "v1", Kind = "Status", Status = "Failure", Code = status, Message = "the fake API server was told to fail" });
        }
        var wanted = selector.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split('=', 2)).ToList();
        bool Matches(V1ObjectMeta meta, string ns) =>
            meta.NamespaceProperty == ns && wanted.All(w => w.Length == 2 && meta.Labels is { } labels && labels.TryGetValue(w[0], out var v) && v == w[1]);
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }
        switch (segments)
        {
            case ["api", "v1", "namespaces", var ns, "pods"]:
                var pods = _pods.Where(p => Matches(p.Metadata, ns)).ToList();
                return WriteAsync(context, 200, new V1PodList { ApiVersion = "v1", Kind = "PodList", Items = pods, Metadata = new V1ListMeta() });
            case ["apis", "discovery.k8s.io", "v1", "namespaces", var ns, "endpointslices"]:
                var slices = _slices.Where(s => Matches(s.Metadata, ns)).ToList();
                return WriteAsync(context, 200, new V1EndpointSliceList { ApiVersion = "discovery.k8s.io/v1", Kind = "EndpointSliceList", Items = slices, Metadata = new V1ListMeta() });
            default:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
        }
    }

    private static Task WriteAsync<T>(HttpContext context, int status, T body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(KubernetesJson.Serialize(body));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
