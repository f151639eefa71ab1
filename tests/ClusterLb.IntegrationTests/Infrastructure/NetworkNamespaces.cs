using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// N network namespaces on one private /24, joined by a bridge, for partition tests with real packets dropped by
/// iptables. Needs root, iproute2 and iptables (<see cref="ClusterLb.Tests.Shared.Prerequisites"/>).
/// <para>
/// Topology: namespace <c>clb-&lt;tag&gt;-i</c> holds one veth end with <c>10.213.S.(i+1)/24</c>; the other ends
/// are ports of a bridge that lives in its own namespace <c>clb-&lt;tag&gt;-br</c>, so the host's own firewall
/// (with br_netfilter loaded, bridged frames would cross the host's FORWARD chain) never sees the traffic. One
/// more veth pair links the root namespace to the bridge with <c>10.213.S.254/24</c>: the test process talks HTTP
/// straight to every node's admin and proxy listener, and a backend it runs on that address is reachable from
/// every namespace. The subnet exists only on these interfaces; nothing is routed off the machine.
/// </para>
/// <para>
/// Names carry a tag made of the test process's pid (and a per-process counter), so parallel runs never collide;
/// the third octet is drawn at random among those no interface of the root namespace already uses, under a file
/// lock held while the subnet is taken. <see cref="DisposeAsync"/> removes the partition rules, kills whatever
/// still runs inside the namespaces (only our children can), deletes the namespaces (which destroys the veths and
/// the bridge) and the root-side veth if it survived; it never throws.
/// </para>
/// </summary>
internal sealed class NetworkNamespaces : IAsyncDisposable
{
    /// <summary>The iptables command run inside a namespace; Debian's alternative picks the backend (nft on Debian 12).</summary>
    public const string Iptables = "iptables";

    private const string LockFile = "/tmp/clusterlb-netns.lock";
    private static int s_instances;

    private readonly ITestOutputHelper _output;
    private readonly List<(int Namespace, string[] Rule)> _rules = [];
    private readonly Lock _lock = new();

    private NetworkNamespaces(ITestOutputHelper output, string tag, int octet, int count)
    {
        _output = output;
        Tag = tag;
        Subnet = $"10.213.{octet}";
        Names = [.. Enumerable.Range(1, count).Select(n => $"clb-{tag}-{n}")];
        Addresses = [.. Enumerable.Range(1, count).Select(n => $"{Subnet}.{n}")];
        BridgeNamespace = $"clb-{tag}-br";
        HostAddress = $"{Subnet}.254";
    }

    /// <summary>What every name of this run contains.</summary>
    public string Tag { get; }

    /// <summary>The first three octets of the /24, e.g. <c>10.213.57</c>.</summary>
    public string Subnet { get; }

    /// <summary>The namespaces, one per node.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The address of each namespace (<c>Subnet.1</c>, <c>Subnet.2</c>, ...).</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The namespace holding the bridge.</summary>
    public string BridgeNamespace { get; }

    /// <summary>The root namespace's address on the bridge (<c>Subnet.254</c>).</summary>
    public string HostAddress { get; }

    /// <summary>The iptables version line, which names the backend (nf_tables or legacy).</summary>
    public string IptablesVersion { get; private set; } = "";

    private string Bridge => $"clb{Tag}br";

    private string RootVeth => $"clb{Tag}r";

    /// <summary>The command prefix that runs a program inside namespace <paramref name="i"/>.</summary>
    public IReadOnlyList<string> Exec(int i) => ["ip", "netns", "exec", Names[i]];

    /// <summary>Creates <paramref name="count"/> (at most 250) namespaces on a fresh subnet; on failure removes what it made.</summary>
    public static async Task<NetworkNamespaces> CreateAsync(ITestOutputHelper output, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 250);
        // pid in hex (at most 6 digits) plus a counter: interface names stay within Linux's 15 characters.
        var tag = $"{Environment.ProcessId:x}{Interlocked.Increment(ref s_instances) % 16:x}";
        NetworkNamespaces? created = null;
        try
        {
            using (await TakeLockAsync())
            {
                var octet = await FreeOctetAsync();
                created = new NetworkNamespaces(output, tag, octet, count);
                await created.RemoveLeftoversAsync();
                await created.BuildAsync();
            }
            created.IptablesVersion = (await RunAsync(output, ["ip", "netns", "exec", created.Names[0], Iptables, "--version"])).Trim();
            created.Write($"namespaces {string.Join(", ", created.Names)} on {created.Subnet}.0/24 (bridge {created.Bridge} in {created.BridgeNamespace}, host side {created.HostAddress}); {created.IptablesVersion}");
            return created;
        }
        catch
        {
            if (created is not null)
            {
                await created.DisposeAsync();
            }
            throw;
        }
    }

    /// <summary>
    /// Cuts <paramref name="side"/> off from <paramref name="others"/>: in each namespace of <paramref name="side"/>,
    /// DROP on INPUT from and OUTPUT to every address of <paramref name="others"/>. Both directions are dropped on one
    /// side only, so the other side's namespaces stay untouched; the host address keeps reaching everyone. Each
    /// namespace gets its rules in one <c>iptables-restore --noflush</c> transaction and the namespaces are done
    /// concurrently, so the cut is close to instantaneous instead of spreading over a second of single rule calls.
    /// </summary>
    public async Task PartitionAsync(IReadOnlyList<int> side, IReadOnlyList<int> others)
    {
        var rules = side.Select(i => (Namespace: i, Rules: others.SelectMany(o => new[]
        {
            new[] { "INPUT", "-s", $"{Addresses[o]}/32", "-j", "DROP" },
            ["OUTPUT", "-d", $"{Addresses[o]}/32", "-j", "DROP"],
        }).ToArray())).ToArray();
        lock (_lock)
        {
            _rules.AddRange(rules.SelectMany(r => r.Rules.Select(rule => (r.Namespace, rule))));
        }
        await Task.WhenAll(rules.Select(r => RestoreAsync(r.Namespace, "filter", "-I", r.Rules)));
    }

    /// <summary>
    /// Appends <paramref name="rules"/> (each an iptables rule without the <c>-A</c>, e.g. <c>OUTPUT -p tcp ... -j DNAT</c>)
    /// to <paramref name="table"/> in namespace <paramref name="i"/>, in one transaction. They last as long as the
    /// namespace (<see cref="HealAsync"/> leaves them): for link conditions set before the nodes start.
    /// </summary>
    public Task AppendRulesAsync(int i, string table, IReadOnlyList<string[]> rules) => RestoreAsync(i, table, "-A", rules);

    /// <summary>
    /// Destroys the TCP sockets of namespace <paramref name="i"/> that match the <c>ss</c> filter
    /// <paramref name="filter"/> (<c>ss -K</c>; the peer gets a reset), so that new connections take rules added since.
    /// </summary>
    public Task KillSocketsAsync(int i, params string[] filter) => RunAsync(_output, ["ip", "netns", "exec", Names[i], "ss", "-t", "-K", .. filter]);

    /// <summary>Packets dropped so far by the DROP rules of namespace <paramref name="i"/>'s filter table.</summary>
    public async Task<long> DroppedPacketsAsync(int i)
    {
        var listing = await RunAsync(_output, ["ip", "netns", "exec", Names[i], Iptables, "-w", "-t", "filter", "-L", "-n", "-v", "-x"], quiet: true);
        return listing.Split('\n')
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length > 2 && f[2] == "DROP" && long.TryParse(f[0], CultureInfo.InvariantCulture, out _))
            .Sum(f => long.Parse(f[0], CultureInfo.InvariantCulture));
    }

    /// <summary>Deletes every rule <see cref="PartitionAsync"/> added, one transaction per namespace.</summary>
    public async Task HealAsync()
    {
        (int Namespace, string[] Rule)[] rules;
        lock (_lock)
        {
            rules = [.. _rules];
            _rules.Clear();
        }
        await Task.WhenAll(rules.GroupBy(r => r.Namespace).Select(g => RestoreAsync(g.Key, "filter", "-D", [.. g.Select(r => r.Rule)])));
    }

    /// <summary>The rules now in namespace <paramref name="i"/> (iptables -S), for the test output.</summary>
    public Task<string> RulesAsync(int i) => RunAsync(_output, ["ip", "netns", "exec", Names[i], Iptables, "-w", "-S"]);

    /// <summary>Best effort, never throws: rules, processes inside, namespaces, root veth.</summary>
    public async ValueTask DisposeAsync()
    {
        await BestEffortAsync(HealAsync);
        foreach (var ns in Names.Append(BridgeNamespace))
        {
            await BestEffortAsync(() => KillInsideAsync(ns));
            await BestEffortAsync(() => RunAsync(_output, ["ip", "netns", "delete", ns], quiet: true));
        }
        // Deleting the bridge namespace destroys the peer and with it the root end; delete it anyway if it lingers.
        await BestEffortAsync(() => RunAsync(_output, ["ip", "link", "delete", RootVeth], quiet: true));
        var left = await BestEffortAsync(() => RunAsync(_output, ["ip", "-o", "link", "show"], quiet: true)) ?? "";
        var namespaces = await BestEffortAsync(() => RunAsync(_output, ["ip", "netns", "list"], quiet: true)) ?? "";
        if (left.Contains($"clb{Tag}", StringComparison.Ordinal) || namespaces.Contains($"clb-{Tag}-", StringComparison.Ordinal))
        {
            Write($"cleanup left interfaces or namespaces tagged {Tag} behind");
        }
        else
        {
            Write($"namespaces, bridge and veths tagged {Tag} removed");
        }
    }

    private async Task BuildAsync()
    {
        await Ip("netns", "add", BridgeNamespace);
        await Ip("-n", BridgeNamespace, "link", "set", "lo", "up");
        await Ip("-n", BridgeNamespace, "link", "add", Bridge, "type", "bridge");
        await Ip("-n", BridgeNamespace, "link", "set", Bridge, "up");
        for (var i = 0; i < Names.Count; i++)
        {
            var inside = $"clb{Tag}v{i + 1}";
            var port = $"clb{Tag}p{i + 1}";
            await Ip("netns", "add", Names[i]);
            await Ip("link", "add", inside, "netns", Names[i], "type", "veth", "peer", "name", port, "netns", BridgeNamespace);
            await Ip("-n", BridgeNamespace, "link", "set", port, "master", Bridge, "up");
            await Ip("-n", Names[i], "link", "set", "lo", "up");
            await Ip("-n", Names[i], "addr", "add", $"{Addresses[i]}/24", "dev", inside);
            await Ip("-n", Names[i], "link", "set", inside, "up");
        }
        var hostPort = $"clb{Tag}pr";
        await Ip("link", "add", RootVeth, "type", "veth", "peer", "name", hostPort, "netns", BridgeNamespace);
        await Ip("-n", BridgeNamespace, "link", "set", hostPort, "master", Bridge, "up");
        await Ip("addr", "add", $"{HostAddress}/24", "dev", RootVeth);
        await Ip("link", "set", RootVeth, "up");
    }

    /// <summary>A pid can be reused after a crashed run: its namespaces then carry our tag and hold nothing alive of ours.</summary>
    private async Task RemoveLeftoversAsync()
    {
        var namespaces = await RunAsync(_output, ["ip", "netns", "list"]);
        foreach (var ns in Names.Append(BridgeNamespace).Where(n => namespaces.Split('\n').Any(l => l.Split(' ')[0] == n)))
        {
            Write($"removing leftover namespace {ns}");
            await KillInsideAsync(ns);
            await RunAsync(_output, ["ip", "netns", "delete", ns]);
        }
        await BestEffortAsync(() => RunAsync(_output, ["ip", "link", "delete", RootVeth], quiet: true));
    }

    private async Task KillInsideAsync(string ns)
    {
        var pids = await RunAsync(_output, ["ip", "netns", "pids", ns], quiet: true);
        foreach (var pid in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            Write($"killing pid {pid}, still running in {ns}");
            try
            {
                using var process = Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or TimeoutException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Applies <paramref name="rules"/> with <paramref name="verb"/> (-I, -A or -D) to namespace <paramref name="ns"/>'s <paramref name="table"/> atomically.</summary>
    private Task<string> RestoreAsync(int ns, string table, string verb, IReadOnlyList<string[]> rules)
    {
        var script = $"*{table}\n" + string.Concat(rules.Select(r => $"{verb} {string.Join(' ', r)}\n")) + "COMMIT\n";
        return RunAsync(_output, ["ip", "netns", "exec", Names[ns], $"{Iptables}-restore", "-w", "--noflush"], stdin: script);
    }

    private Task<string> Ip(params string[] args) => RunAsync(_output, ["ip", .. args]);

    /// <summary>A random third octet that no address or route of the root namespace uses yet.</summary>
    private static async Task<int> FreeOctetAsync()
    {
        var used = await RunAsync(null, ["ip", "-4", "-o", "addr", "show"]) + await RunAsync(null, ["ip", "-4", "route", "show"]);
        var free = Enumerable.Range(0, 256).Where(o => !used.Contains($"10.213.{o}.", StringComparison.Ordinal)).ToArray();
        return free.Length > 0 ? free[Random.Shared.Next(free.Length)] : throw new InvalidOperationException("every 10.213.x.0/24 is in use on this machine");
    }

    /// <summary>Serialises subnet choice and creation between test processes of this machine.</summary>
    private static async Task<FileStream> TakeLockAsync()
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < until)
            {
                await Task.Delay(100);
            }
        }
    }

    private static async Task<string> RunAsync(ITestOutputHelper? output, IReadOnlyList<string> command, bool quiet = false, string? stdin = null)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false,
        };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var line = string.Join(' ', command);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{line}' exited {process.ExitCode}: {(await stderr).Trim()}");
        }
        if (!quiet && output is not null)
        {
            WriteTo(output, $"$ {line}{(stdin is null ? "" : $" <<< {stdin.ReplaceLineEndings("; ")}")}");
        }
        return await stdout;
    }

    private static async Task<T?> BestEffortAsync<T>(Func<Task<T>> step) where T : class
    {
        try
        {
            return await step();
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task BestEffortAsync(Func<Task> step) => await BestEffortAsync(async () => { await step(); return ""; });

    private void Write(string line) => WriteTo(_output, line);

    private static void WriteTo(ITestOutputHelper output, string line)
    {
        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} [netns] {line}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; its output is closed.
        }
    }
}
