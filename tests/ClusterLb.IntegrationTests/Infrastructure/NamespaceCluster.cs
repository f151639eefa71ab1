using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// N <c>clusterlb run</c> processes, each in its own network namespace (<see cref="NetworkNamespaces"/>) with its own
/// address and fixed ports, mutual TLS with a certificate per node IP, every node a seed, routing service <c>web</c>
/// to one backend the test process runs on the host address. Node <c>i</c> can be started again as a new
/// incarnation. Needs root (<see cref="ClusterLb.Tests.Shared.Prerequisites.RequireNetworkNamespaces"/>).
/// </summary>
internal sealed partial class NamespaceCluster : IAsyncDisposable
{
    public const int ClusterPort = 4053;
    public const int ProxyPort = 8080;
    public const int AdminPort = 8081;
    private const string Token = "netns-test-token";

    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _directory;
    private readonly string _extra;
    private readonly List<ClusterLbProcess> _started = [];
    private readonly int[] _incarnations;

    private NamespaceCluster(ITestOutputHelper output, TempDirectory directory, NetworkNamespaces net, TestBackend backend, string extra)
    {
        _output = output;
        _directory = directory;
        _extra = extra;
        Net = net;
        Backend = backend;
        Seeds = [.. net.Addresses.Select(a => $"akka.ssl.tcp://clusterlb@{a}:{ClusterPort}")];
        Nodes = new ClusterLbProcess?[net.Names.Count];
        _incarnations = new int[net.Names.Count];
        Admin = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The namespaces the nodes run in.</summary>
    public NetworkNamespaces Net { get; }

    /// <summary>The backend, on the host address.</summary>
    public TestBackend Backend { get; }

    /// <summary>Each node's cluster address, as the seed list names it.</summary>
    public string[] Seeds { get; }

    /// <summary>The current process of each node (null before its first start).</summary>
    public ClusterLbProcess?[] Nodes { get; }

    /// <summary>An admin client that sends the token.</summary>
    public HttpClient Admin { get; }

    /// <summary>Every node's proxy address.</summary>
    public IReadOnlyList<Uri?> ProxyUrls => [.. Net.Addresses.Select(a => new Uri($"http://{a}:{ProxyPort}/"))];

    /// <summary>Creates <paramref name="size"/> namespaces, the backend and the certificates; starts no node.</summary>
    /// <param name="extra">More HOCON inside <c>clusterlb.cluster { }</c>, e.g. a split-brain resolver strategy.</param>
    public static async Task<NamespaceCluster> CreateAsync(ITestOutputHelper output, int size, string extra = "")
    {
        var directory = TempDirectory.Create();
        var net = await NetworkNamespaces.CreateAsync(output, size);
        try
        {
            var certificates = Path.Combine(directory.Path, "certs");
            CertificateFactory.CreateCa(certificates, "clusterlb-netns-ca");
            for (var i = 0; i < size; i++)
            {
                CertificateFactory.CreateNode(certificates, certificates, Name(i), [net.Addresses[i]]);
            }
            var backend = await TestBackend.StartAsync("b1", IPAddress.Parse(net.HostAddress));
            return new NamespaceCluster(output, directory, net, backend, extra);
        }
        catch
        {
            await net.DisposeAsync();
            directory.Dispose();
            throw;
        }
    }

    public static string Name(int i) => $"lb-{i + 1}";

    /// <summary>Starts node <paramref name="i"/> (again) in its namespace and waits until its listeners are open.</summary>
    public async Task StartAsync(int i, TimeSpan deadline)
    {
        var dir = _directory.Path;
        var certificates = Path.Combine(dir, "certs");
        var file = Path.Combine(dir, $"{Name(i)}.conf");
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node { name = "{{Name(i)}}", data-dir = "{{Path.Combine(dir, Name(i))}}" }
              proxy.http { bind = "0.0.0.0", port = {{ProxyPort}} }
              admin { bind = "0.0.0.0", port = {{AdminPort}}, token = "{{Token}}" }
              health-check { path = "/health", interval = 500ms }
              services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{Backend.Url}}" } ] } ]
              cluster {
                hostname = "{{Net.Addresses[i]}}"
                port = {{ClusterPort}}
                seed-nodes = [{{string.Join(", ", Net.Addresses.Select(a => $"\"{a}:{ClusterPort}\""))}}]
                tls { certificate = "{{Path.Combine(certificates, Name(i) + ".pfx")}}", ca = "{{Path.Combine(certificates, CertificateFactory.CaCertificateFile)}}" }
                {{_extra}}
              }
            }
            """);
        var incarnation = ++_incarnations[i];
        var process = ClusterLbProcess.StartThrough(Net.Exec(i), $"{Name(i)}#{incarnation.ToString(CultureInfo.InvariantCulture)}", _output, null, "run", "--config", file);
        _started.Add(process);
        Nodes[i] = process;
        await process.WaitForLineAsync(ListeningLine(), deadline);
    }

    /// <summary>Node <paramref name="i"/>'s <c>/cluster/status</c>, or null while it cannot answer.</summary>
    public async Task<JsonElement?> StatusAsync(int i)
    {
        try
        {
            using var response = await Admin.GetAsync(new Uri($"http://{Net.Addresses[i]}:{AdminPort}/cluster/status"));
            return response.IsSuccessStatusCode ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Waits until <paramref name="nodes"/> agree on exactly themselves, all Up, one leader; fails at once if one exits.</summary>
    public async Task<JsonElement> WaitForAgreementAsync(int[] nodes, TimeSpan deadline, TimeSpan pause)
    {
        var expected = nodes.Select(n => Seeds[n]).Order(StringComparer.Ordinal).ToArray();
        JsonElement?[] views = [];
        await Poll.UntilAsync(async () =>
        {
            if (nodes.FirstOrDefault(n => Nodes[n]!.HasExited, -1) is var gone and >= 0)
            {
                throw new InvalidOperationException($"{Nodes[gone]!.Name} exited while waiting for the cluster to form");
            }
            views = await Task.WhenAll(nodes.Select(StatusAsync));
            return views.All(v => v is { } view && ProcessCluster.AllUp(view, expected)) && views.Select(v => ProcessCluster.Fingerprint(v!.Value)).Distinct().Count() == 1;
        }, $"{string.Join(", ", nodes.Select(Name))} to agree on {expected.Length} Up members and one leader", deadline, pause);
        return views[0]!.Value;
    }

    /// <summary>Processes first (a namespace with a live process in it outlives <c>ip netns delete</c>), then the network.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _started)
        {
            process.Dispose();
        }
        await Net.DisposeAsync();
        await Backend.DisposeAsync();
        Admin.Dispose();
        _directory.Dispose();
    }

    [GeneratedRegex(@"Proxy listening on ")]
    private static partial Regex ListeningLine();
}
