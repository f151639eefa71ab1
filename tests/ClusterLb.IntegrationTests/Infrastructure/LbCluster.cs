using System.Text.Json;
using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// In-process clustered <see cref="ClusterLbNode"/>s on loopback, each with its own data directory (its SQLite journal
/// and durable registry) and a fixed cluster port, so the whole cluster can be stopped and started again on the same
/// directories and ports. Remoting runs through Akka's throttler transport adapter (<c>trttl</c>, so addresses are
/// <c>akka.trttl.tcp://</c>), which lets a test blackhole the traffic between two nodes while their connections
/// stay up: an in-process partition. <see cref="StartAsync"/> with <c>throttled: false</c> leaves the adapter out
/// (plain <c>akka.tcp://</c>, as a production node without TLS runs); such a cluster cannot be partitioned.
/// </summary>
internal sealed class LbCluster : IAsyncDisposable
{
    public const string Token = "registry-cluster-token";
    private readonly ITestOutputHelper _output;
    private readonly string _body;
    private readonly int[] _ports;
    private readonly TempDirectory[] _directories;
    private readonly Running?[] _running;
    private readonly bool _throttled;
    private readonly LogRecorder? _logs;

    private LbCluster(ITestOutputHelper output, int count, string body, bool throttled, LogRecorder? logs)
    {
        _output = output;
        _logs = logs;
        _body = body;
        _throttled = throttled;
        _ports = [.. Enumerable.Range(0, count).Select(_ => PortAllocator.Next())];
        _directories = [.. Enumerable.Range(0, count).Select(_ => TempDirectory.Create())];
        _running = new Running?[count];
    }

    public int Count => _ports.Length;

    public IEnumerable<int> Indexes => Enumerable.Range(0, Count);

    /// <summary>Node <paramref name="i"/> (0-based); throws when it is not running.</summary>
    public ClusterLbNode this[int i] => Get(i).Node;

    /// <summary>The admin API of node <paramref name="i"/>, with the token.</summary>
    public AdminClient Api(int i) => Get(i).Api;

    /// <summary>An HTTP client for node <paramref name="i"/>'s proxy listener.</summary>
    public HttpClient Proxy(int i) => Get(i).Proxy;

    /// <summary>Node <paramref name="i"/>'s cluster address, as <c>/cluster/status</c> and the registry name it.</summary>
    public string Address(int i) => $"akka.{(_throttled ? "trttl." : "")}tcp://clusterlb@127.0.0.1:{_ports[i]}";

    /// <summary>Node <paramref name="i"/>'s cluster (remoting) port on loopback.</summary>
    public int ClusterPort(int i) => _ports[i];

    /// <summary>Drops everything between nodes <paramref name="a"/> and <paramref name="b"/>, both ways.</summary>
    public Task PartitionAsync(int a, int b) => ThrottleAsync(a, b, Blackhole.Instance);

    /// <summary>Lets traffic between nodes <paramref name="a"/> and <paramref name="b"/> through again.</summary>
    public Task HealAsync(int a, int b) => ThrottleAsync(a, b, Unthrottled.Instance);

    private async Task ThrottleAsync(int a, int b, ThrottleMode mode)
    {
        foreach (var (from, to) in new[] { (a, b), (b, a) })
        {
            if (_running[from] is { } running)
            {
                var transport = ((RemoteActorRefProvider)((ExtendedActorSystem)running.Node.System).Provider).Transport;
                var applied = await transport.ManagementCommand(new SetThrottle(Akka.Actor.Address.Parse(Address(to)), ThrottleTransportAdapter.Direction.Both, mode));
                Assert.True(applied, $"the throttler of node {from + 1} did not accept the command for node {to + 1}");
            }
        }
    }

    /// <summary>
    /// Starts <paramref name="count"/> nodes one after the other (the first seed first) and waits until they form one
    /// converged cluster. <paramref name="body"/> goes inside <c>clusterlb { }</c>: services and any extra settings.
    /// </summary>
    /// <param name="throttled">Run remoting through the throttler adapter, so that the cluster can be partitioned.</param>
    /// <param name="logs">Also gets every node's log lines, so a test can count what the nodes said.</param>
    public static async Task<LbCluster> StartAsync(ITestOutputHelper output, int count, string body, bool throttled = true, LogRecorder? logs = null)
    {
        var cluster = new LbCluster(output, count, body, throttled, logs);
        try
        {
            foreach (var i in cluster.Indexes)
            {
                await cluster.StartNodeAsync(i);
            }
            await cluster.WaitFormedAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops every node (last started first) through CoordinatedShutdown.</summary>
    public async Task StopAllAsync()
    {
        for (var i = Count - 1; i >= 0; i--)
        {
            await StopNodeAsync(i);
        }
    }

    /// <summary>Waits until every node's <c>/cluster/status</c> shows all nodes Up, reachable, with convergence.</summary>
    public Task WaitFormedAsync(TimeSpan? deadline = null) => Poll.UntilAsync(async () =>
    {
        foreach (var i in Indexes)
        {
            var view = await Api(i).GetAsync("/cluster/status");
            if (view.Status != 200 || !IsConverged(view.Body))
            {
                return false;
            }
        }
        return true;
    }, $"{Count} nodes Up and reachable with convergence on every /cluster/status", deadline ?? TimeSpan.FromSeconds(45));

    private bool IsConverged(JsonElement view) =>
        view.GetProperty("convergence").GetBoolean()
        && view.GetProperty("members").GetArrayLength() == Count
        && view.GetProperty("members").EnumerateArray().All(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean())
        && view.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()).Order(StringComparer.Ordinal)
            .SequenceEqual(Indexes.Select(Address).Order(StringComparer.Ordinal));

    public async Task StartNodeAsync(int i)
    {
        if (_running[i] is not null)
        {
            throw new InvalidOperationException($"node {i + 1} is already running");
        }
        var directory = _directories[i].Path;
        var file = Path.Combine(directory, "node.conf");
        var seeds = string.Join(", ", Indexes.Select(n => $"\"{Address(n)}\""));
        // The split-brain resolver waits 10 minutes: partition tests keep every member while nodes are unreachable.
        // The throttler adapter changes the address scheme, so the seeds go to Akka as they are (akka { } wins).
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node.name = "node{{i + 1}}"
              node.data-dir = "{{directory}}"
              admin.token = "{{Token}}"
              proxy.http { bind = "127.0.0.1", port = 0 }
              admin.port = 0
              cluster {
                hostname = "127.0.0.1"
                port = {{_ports[i]}}
                tls.enabled = off
                split-brain-resolver { stable-after = 10m, down-all-when-unstable = off }
              }
              {{_body}}
            }
            akka {
              remote.dot-netty.tcp.applied-adapters = [{{(_throttled ? "trttl" : "")}}]
              cluster.seed-nodes = [{{seeds}}]
            }
            """);
        var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
        var loggerFactory = TestOutputLoggerProvider.Factory(new PrefixedOutput(_output, $"n{i + 1}"));
        if (_logs is not null)
        {
            loggerFactory.AddProvider(_logs);
        }
        try
        {
            var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
            _running[i] = new Running(node, loggerFactory);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    public async Task StopNodeAsync(int i)
    {
        if (_running[i] is { } running)
        {
            _running[i] = null;
            await running.DisposeAsync();
        }
    }

    private Running Get(int i) => _running[i] ?? throw new InvalidOperationException($"node {i + 1} is not running");

    public async ValueTask DisposeAsync()
    {
        await StopAllAsync();
        foreach (var directory in _directories)
        {
            directory.Dispose();
        }
    }

    private sealed class Running(ClusterLbNode node, ILoggerFactory loggerFactory) : IAsyncDisposable
    {
        public ClusterLbNode Node { get; } = node;

        public AdminClient Api { get; } = new(node.AdminUrl, Token);

        public HttpClient Proxy { get; } = new() { BaseAddress = node.ProxyUrl, Timeout = TimeSpan.FromSeconds(10) };

        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            Proxy.Dispose();
            await Node.DisposeAsync();
            loggerFactory.Dispose();
        }
    }

    /// <summary>Test output with each line prefixed by the node's name, so interleaved logs stay readable.</summary>
    private sealed class PrefixedOutput(ITestOutputHelper output, string prefix) : ITestOutputHelper
    {
        public void WriteLine(string message) => output.WriteLine($"[{prefix}] {message}");

        public void WriteLine(string format, params object[] args) => output.WriteLine($"[{prefix}] {string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args)}");
    }
}
