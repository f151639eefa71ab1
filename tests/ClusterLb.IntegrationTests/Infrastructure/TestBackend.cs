using System.Collections.Concurrent;
using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// A real Kestrel backend on loopback. Answers its name on every path, counts requests (health probes apart),
/// serves <c>/health</c> with a settable status, echoes WebSocket messages on <c>/ws</c>, holds <c>/slow</c>
/// until released, and shows the forwarded headers on <c>/headers</c>. Every request it counts is also recorded
/// (<see cref="Received"/>): method, target, Host and body, so a test can tell exactly what was forwarded.
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private WebApplication? _app;
    private int _hits;
    private int _probes;
    private int _port;
    private IPAddress _address = IPAddress.Loopback;
    private int _probesAtGate;
    private readonly SemaphoreSlim _probeGate = new(0);
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();
    private TaskCompletionSource _slowStarted = NewSignal();
    private TaskCompletionSource _slowRelease = NewSignal();

    private TestBackend(string name) => Name = name;

    public string Name { get; }

    public Uri Url => new($"http://{_address}:{_port}");

    public int Hits => Volatile.Read(ref _hits);

    public int Probes => Volatile.Read(ref _probes);

    /// <summary>Most requests a backend records (load tests send many more; the first ones are what tests inspect).</summary>
    public const int MaxReceived = 10_000;

    /// <summary>The requests counted in <see cref="Hits"/>, in arrival order, the first <see cref="MaxReceived"/> of them.</summary>
    public IReadOnlyList<ReceivedRequest> Received => [.. _received];

    /// <summary>Status code /health answers with.</summary>
    public int HealthStatus { get; set; } = 200;

    /// <summary>When set, each /health request waits until <see cref="AllowProbes"/> lets it through.</summary>
    public bool GateProbes { get; set; }

    /// <summary>Probes waiting at the gate right now.</summary>
    public int ProbesAtGate => Volatile.Read(ref _probesAtGate);

    /// <summary>Lets <paramref name="count"/> gated probes through.</summary>
    public void AllowProbes(int count) => _probeGate.Release(count);

    /// <summary>How long every request but /health waits before it is answered (zero: at once).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, every request but /health answers 503.</summary>
    public bool FailEverything { get; set; }

    public Task SlowStarted => _slowStarted.Task;

    public void ReleaseSlow() => _slowRelease.TrySetResult();

    /// <param name="name">What the backend answers.</param>
    /// <param name="address">Address to listen on; loopback when null.</param>
    public static async Task<TestBackend> StartAsync(string name, IPAddress? address = null)
    {
        var backend = new TestBackend(name) { _address = address ?? IPAddress.Loopback };
        await backend.StartOnAsync(0);
        return backend;
    }

    /// <summary>Starts again on the port it had, as a restarted process would.</summary>
    public Task RestartAsync() => StartOnAsync(_port);

    public Task StopAsync() => StopAsync(graceful: true);

    /// <summary>Stops at once, as a killed process would: open connections and requests in progress are cut.</summary>
    public Task KillAsync() => StopAsync(graceful: false);

    private async Task StopAsync(bool graceful)
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync(graceful ? CancellationToken.None : new CancellationToken(canceled: true));
            await app.DisposeAsync();
        }
    }

    public ValueTask DisposeAsync()
    {
        ReleaseSlow();
        GateProbes = false;
        _probeGate.Release(1000);
        return new ValueTask(StopAsync());
    }

    private async Task StartOnAsync(int port)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k =>
            k.Listen(_address, port, o => { o.Protocols = HttpProtocols.Http1; bound = o; }));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(HandleAsync);
        await app.StartAsync();
        _port = bound!.IPEndPoint!.Port;
        _app = app;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/health")
        {
            if (GateProbes)
            {
                Interlocked.Increment(ref _probesAtGate);
                await _probeGate.WaitAsync(TimeSpan.FromSeconds(60));
                Interlocked.Decrement(ref _probesAtGate);
            }
            Interlocked.Increment(ref _probes);
            context.Response.StatusCode = HealthStatus;
            return;
        }

        Interlocked.Increment(ref _hits);
        var target = path + context.Request.QueryString.Value;
        var body = "";
        if (!context.WebSockets.IsWebSocketRequest && path != "/slow")
        {
            try
            {
                using var reader = new StreamReader(context.Request.Body, System.Text.Encoding.Latin1);
                body = await reader.ReadToEndAsync(context.RequestAborted);
            }
            catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Http.BadHttpRequestException or OperationCanceledException)
            {
                body = $"<body cut: {ex.GetType().Name}>";
            }
        }
        if (_received.Count < MaxReceived)
        {
            _received.Enqueue(new ReceivedRequest(context.Request.Method, target, context.Request.Headers.Host.ToString(), body));
        }
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, context.RequestAborted);
        }
        context.Response.Headers["X-Backend"] = Name;
        if (FailEverything)
        {
            context.Response.StatusCode = 503;
            return;
        }
        switch (path)
        {
            case "/ws" when context.WebSockets.IsWebSocketRequest:
                await EchoAsync(await context.WebSockets.AcceptWebSocketAsync());
                return;
            case "/slow":
                _slowStarted.TrySetResult();
                await _slowRelease.Task.WaitAsync(TimeSpan.FromSeconds(30));
                await context.Response.WriteAsync($"{Name} slow done");
                return;
            case "/headers":
                var lines = context.Request.Headers.Select(h => $"{h.Key}: {h.Value}");
                await context.Response.WriteAsync(string.Join("\n", lines));
                return;
            case "/protocol":
                await context.Response.WriteAsync(context.Request.Protocol);
                return;
            default:
                await context.Response.WriteAsync(Name);
                return;
        }
    }

    private async Task EchoAsync(WebSocket socket)
    {
        var buffer = new byte[4096];
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            var reply = System.Text.Encoding.UTF8.GetBytes($"{Name}:" + System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
            await socket.SendAsync(reply, WebSocketMessageType.Text, true, CancellationToken.None);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>One request as a <see cref="TestBackend"/> received it.</summary>
/// <param name="Method">The request method.</param>
/// <param name="Target">Path and query.</param>
/// <param name="Host">The Host header.</param>
/// <param name="Body">The body as Latin-1 text (or a note that it was cut).</param>
internal sealed record ReceivedRequest(string Method, string Target, string Host, string Body)
{
    public override string ToString() => $"{Method} {Target} (Host {Host}, {Body.Length} body chars)";
}
