using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// N <c>clusterlb run</c> child processes on loopback: allocated cluster ports, one seed list, mutual TLS with a
/// cluster CA made for this cluster (a certificate per node), one admin token, a temp directory each for its
/// journal and config file. Node <c>i</c> can be killed and started again
/// on the same cluster port. Proxy and admin ports are chosen by the OS and read from each child's log.
/// </summary>
internal sealed partial class ProcessCluster : IDisposable
{
    public const string Token = "process-test-token";

    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _directory = TempDirectory.Create();
    private readonly string _certificates;
    private readonly IReadOnlyList<(string Id, Uri Url)> _hosts;
    private readonly string _extra;
    private readonly List<ClusterLbProcess> _started = [];
    private readonly int[] _incarnations;

    /// <param name="size">Nodes (all of them seeds, in order).</param>
    /// <param name="backend">The backend every node routes to, host <c>b1</c> of pool <c>main</c>.</param>
    /// <param name="extra">More HOCON inside <c>clusterlb.cluster { }</c>, e.g. a split-brain stable-after.</param>
    public ProcessCluster(ITestOutputHelper output, int size, Uri backend, string extra = "")
        : this(output, size, [("b1", backend)], extra)
    {
    }

    /// <param name="size">Nodes (all of them seeds, in order).</param>
    /// <param name="hosts">The hosts of pool <c>main</c> of service <c>web</c>, in order.</param>
    /// <param name="extra">More HOCON inside <c>clusterlb.cluster { }</c>, e.g. a split-brain stable-after.</param>
    public ProcessCluster(ITestOutputHelper output, int size, IReadOnlyList<(string Id, Uri Url)> hosts, string extra = "")
    {
        _output = output;
        _hosts = hosts;
        _extra = extra;
        Ports = [.. Enumerable.Range(0, size).Select(_ => PortAllocator.Next())];
        Seeds = [.. Ports.Select(p => $"akka.ssl.tcp://clusterlb@127.0.0.1:{p}")];
        _certificates = Directory.CreateDirectory(Path.Combine(_directory.Path, "certs")).FullName;
        CertificateFactory.CreateCa(_certificates, "process-test-ca");
        for (var i = 0; i < size; i++)
        {
            CertificateFactory.CreateNode(_certificates, _certificates, $"lb-{i + 1}", ["127.0.0.1", "localhost"]);
        }
        Nodes = new ClusterLbProcess?[size];
        AdminUrls = new Uri?[size];
        ProxyUrls = new Uri?[size];
        _incarnations = new int[size];
        Admin = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public int[] Ports { get; }

    public string[] Seeds { get; }

    /// <summary>The current process of each node (null before its first start).</summary>
    public ClusterLbProcess?[] Nodes { get; }

    public Uri?[] AdminUrls { get; }

    public Uri?[] ProxyUrls { get; }

    /// <summary>An admin client that sends the token.</summary>
    public HttpClient Admin { get; }

    /// <summary>Node <paramref name="i"/>'s configuration file; without <paramref name="withClusterAddress"/> it names no cluster port or seeds (the environment must).</summary>
    public string ConfigFor(int i, bool withClusterAddress = true) => $$"""
        clusterlb {
          node { name = "lb-{{i + 1}}", data-dir = "{{Path.Combine(_directory.Path, $"lb-{i + 1}")}}" }
          proxy.http { bind = "127.0.0.1", port = 0 }
          admin { port = 0, token = "{{Token}}" }
          health-check { path = "/health", interval = 500ms }
          services.web.pools = [ { id = main, hosts = [ {{string.Join(", ", _hosts.Select(h => $"{{ id = {h.Id}, address = \"{h.Url}\" }}"))}} ] } ]
          cluster.hostname = "127.0.0.1"
          cluster {
            tls { certificate = "{{Path.Combine(_certificates, $"lb-{i + 1}.pfx")}}", ca = "{{Path.Combine(_certificates, CertificateFactory.CaCertificateFile)}}" }
            {{(withClusterAddress ? $"port = {Ports[i]}\n    seed-nodes = [{string.Join(", ", Seeds.Select(s => $"\"{s}\""))}]" : "")}}
            seed-node-timeout = 2s
            failure-detector.acceptable-heartbeat-pause = 4s
            {{_extra}}
          }
        }
        """;

    /// <summary>Starts node <paramref name="i"/> (again) from <paramref name="config"/> (default: <see cref="ConfigFor"/>) and waits for its listeners.</summary>
    public async Task<ClusterLbProcess> StartAsync(int i, string? config = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var file = Path.Combine(_directory.Path, $"lb-{i + 1}.conf");
        await File.WriteAllTextAsync(file, config ?? ConfigFor(i));
        var incarnation = ++_incarnations[i];
        var process = ClusterLbProcess.Start($"lb-{i + 1}#{incarnation}", _output, environment, "run", "--config", file);
        _started.Add(process);
        Nodes[i] = process;
        var listening = await process.WaitForLineAsync(ListeningLine());
        ProxyUrls[i] = new Uri(listening.Groups[1].Value);
        AdminUrls[i] = new Uri(listening.Groups[2].Value);
        return process;
    }

    /// <summary>Starts every node, in seed order.</summary>
    public async Task StartAllAsync()
    {
        for (var i = 0; i < Ports.Length; i++)
        {
            await StartAsync(i);
        }
    }

    /// <summary>Node <paramref name="i"/>'s <c>/cluster/status</c>, or null while it cannot answer.</summary>
    public async Task<JsonElement?> StatusAsync(int i)
    {
        try
        {
            using var response = await Admin.GetAsync(new Uri(AdminUrls[i]!, "cluster/status"));
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The views of <paramref name="nodes"/>, null for a node that could not answer.</summary>
    public async Task<JsonElement?[]> StatusesAsync(params int[] nodes) => await Task.WhenAll(nodes.Select(StatusAsync));

    /// <summary>
    /// Waits until every node in <paramref name="nodes"/> reports exactly those nodes' addresses, all Up and
    /// reachable, the same leader and members (uids included), and convergence; returns the agreed view.
    /// </summary>
    public async Task<JsonElement> WaitForAgreementAsync(int[] nodes, TimeSpan deadline)
    {
        var expected = nodes.Select(n => Seeds[n]).Order(StringComparer.Ordinal).ToArray();
        JsonElement?[] views = [];
        await Poll.UntilAsync(async () =>
        {
            views = await StatusesAsync(nodes);
            return views.All(v => v is { } view && AllUp(view, expected)) && views.Select(v => Fingerprint(v!.Value)).Distinct().Count() == 1;
        }, $"nodes {string.Join(", ", nodes.Select(n => $"lb-{n + 1}"))} to agree on {expected.Length} Up members and one leader", deadline);
        return views[0]!.Value;
    }

    /// <summary>The member with <paramref name="address"/> in <paramref name="view"/>, or null.</summary>
    public static JsonElement? Member(JsonElement view, string address) =>
        view.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("address").GetString() == address).Select(m => (JsonElement?)m).FirstOrDefault();

    public static long Uid(JsonElement view, string address) => Member(view, address)!.Value.GetProperty("uid").GetInt64();

    /// <summary>Leader, then every member as address#uid:status, sorted.</summary>
    public static string Fingerprint(JsonElement view) =>
        view.GetProperty("leader").GetString() + "|" + string.Join(",", view.GetProperty("members").EnumerateArray()
            .Select(m => $"{m.GetProperty("address").GetString()}#{m.GetProperty("uid").GetInt64()}:{m.GetProperty("status").GetString()}")
            .Order(StringComparer.Ordinal));

    /// <summary>True when <paramref name="view"/> converged on exactly <paramref name="expected"/>, all Up and reachable, led by one of them.</summary>
    public static bool AllUp(JsonElement view, string[] expected)
    {
        var members = view.GetProperty("members").EnumerateArray().ToArray();
        return view.GetProperty("convergence").GetBoolean()
            && view.GetProperty("leader").GetString() is { } leader && expected.Contains(leader)
            && members.Select(m => m.GetProperty("address").GetString()!).Order(StringComparer.Ordinal).SequenceEqual(expected)
            && members.All(m => m.GetProperty("status").GetString() == "Up" && m.GetProperty("reachable").GetBoolean());
    }

    public void Dispose()
    {
        Admin.Dispose();
        foreach (var process in _started)
        {
            process.Dispose();
        }
        _directory.Dispose();
    }

    [GeneratedRegex(@"Proxy listening on (http://\S+/) .*admin on (http://\S+/)")]
    private static partial Regex ListeningLine();
}
