using System.Collections.Immutable;
using System.Text.Json;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.Node.Hosting;
using ClusterLb.Proxy;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>Backends plus one in-process node, disposed together.</summary>
internal sealed class NodeHarness : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly TempDirectory? _ownedDataDirectory;

    private NodeHarness(ClusterLbNode node, IReadOnlyList<TestBackend> backends, ILoggerFactory loggerFactory, TempDirectory? ownedDataDirectory)
    {
        Node = node;
        Backends = backends;
        _loggerFactory = loggerFactory;
        _ownedDataDirectory = ownedDataDirectory;
        Client = new HttpClient { BaseAddress = node.ProxyUrl, Timeout = TimeSpan.FromSeconds(10) };
        Admin = new HttpClient { BaseAddress = node.AdminUrl, Timeout = TimeSpan.FromSeconds(10) };
    }

    public ClusterLbNode Node { get; }

    public IReadOnlyList<TestBackend> Backends { get; }

    public HttpClient Client { get; }

    public HttpClient Admin { get; }

    /// <summary>Fast active checks: 100 ms apart so the tests run in seconds.</summary>
    public static HealthCheckSettings FastChecks(int rise = 2, int fall = 3) =>
        HealthCheckSettings.Default with { Path = "/health", Interval = TimeSpan.FromMilliseconds(100), Timeout = TimeSpan.FromSeconds(1), Rise = rise, Fall = fall };

    public static PoolSettings Pool(string id, int priority, IEnumerable<TestBackend> backends, HealthCheckSettings? checks = null, int[]? weights = null, PassiveHealthSettings? passive = null) =>
        new(id, BalancingMethod.RoundRobin, priority,
            backends.Select((b, i) => new HostSettings(b.Name, b.Url, weights?[i] ?? 1)).ToImmutableArray(),
            checks ?? FastChecks(),
            passive ?? PassiveHealthSettings.Default);

    public static async Task<IReadOnlyList<TestBackend>> StartBackendsAsync(params string[] names)
    {
        var backends = new List<TestBackend>();
        foreach (var name in names)
        {
            backends.Add(await TestBackend.StartAsync(name));
        }
        return backends;
    }

    public static Task<NodeHarness> StartAsync(ITestOutputHelper output, IReadOnlyList<TestBackend> backends, params ServiceSettings[] services) =>
        StartAsync(output, backends, ProxySettings.Loopback, services);

    public static async Task<NodeHarness> StartAsync(ITestOutputHelper output, IReadOnlyList<TestBackend> backends, ProxySettings proxy, params ServiceSettings[] services)
    {
        var dataDirectory = TempDirectory.Create();
        try
        {
            return await StartAsync(output, backends, Settings(proxy, dataDirectory.Path, services), dataDirectory);
        }
        catch
        {
            dataDirectory.Dispose();
            throw;
        }
    }

    /// <summary>Starts a node on <paramref name="settings"/>; <paramref name="ownedDataDirectory"/>, if given, is removed on dispose.</summary>
    public static async Task<NodeHarness> StartAsync(ITestOutputHelper output, IReadOnlyList<TestBackend> backends, NodeSettings settings, TempDirectory? ownedDataDirectory = null)
    {
        var loggerFactory = TestOutputLoggerProvider.Factory(output);
        try
        {
            var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
            return new NodeHarness(node, backends, loggerFactory, ownedDataDirectory);
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>Code-built node settings whose journal lives in <paramref name="dataDirectory"/>.</summary>
    public static NodeSettings Settings(ProxySettings proxy, string dataDirectory, params ServiceSettings[] services) =>
        new("test-node", proxy, new BalancingSettings([.. services]).Validate()) { DataDirectory = dataDirectory };

    /// <summary>Single-service shortcut: every request goes to <c>web</c>.</summary>
    public static Task<NodeHarness> StartAsync(ITestOutputHelper output, IReadOnlyList<TestBackend> backends, params PoolSettings[] pools) =>
        StartAsync(output, backends, new ServiceSettings("web", ServiceMatch.Any, [.. pools]));

    public bool IsUp(string host, string service = "web") =>
        Node.Handles[service].Snapshot.Pools.SelectMany(p => p.Healthy).Any(h => h.Id == host);

    public Task WaitForHealthAsync(string host, HostHealth health, string service = "web") =>
        Poll.UntilAsync(() => IsUp(host, service) == (health == HostHealth.Up), $"{service}/{host} to be {health}");

    public async Task<JsonDocument> StatusAsync() => JsonDocument.Parse(await Admin.GetStringAsync("/status"));

    public async Task<Dictionary<string, int>> SendAsync(int count, string path = "/")
    {
        var answers = new Dictionary<string, int>();
        for (var i = 0; i < count; i++)
        {
            var response = await Client.GetAsync(path);
            var key = response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"status {(int)response.StatusCode}";
            answers[key] = answers.GetValueOrDefault(key) + 1;
        }
        return answers;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await Node.DisposeAsync();
        foreach (var backend in Backends)
        {
            await backend.DisposeAsync();
        }
        _loggerFactory.Dispose();
        _ownedDataDirectory?.Dispose();
    }
}
