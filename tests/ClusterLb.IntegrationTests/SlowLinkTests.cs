using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// One slow, lossy link in a three-node cluster, with the product's failure-detector defaults: three
/// <c>clusterlb run</c> processes in their own network namespaces, and every cluster connection between lb-1 and
/// lb-3 (either direction) goes through a <see cref="DelayRelay"/> that adds 200 ms each way, with iptables in lb-3's
/// namespace dropping 10 % of that link's packets each way. The kernel has no netem, so DNAT in lb-3's (and lb-1's)
/// namespace sends the link's connections to the relay, and iptables' <c>statistic</c> match drops at random.
/// Under client load through every node, membership must not flap for a minute.
/// </summary>
[Collection(ClusterProcessCollection.Name)]
public sealed class SlowLinkTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Size = 3;
    private const int Slow = 2;
    private const int Far = 0;
    private const string Loss = "0.1";

    private static readonly int[] Everyone = [0, 1, 2];
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan Observed = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(180);
    private static readonly TimeSpan StatusPollPause = TimeSpan.FromMilliseconds(250);

    private NamespaceCluster? _cluster;
    private DelayRelay? _towardsFar;
    private DelayRelay? _towardsSlow;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
        if (_towardsFar is not null)
        {
            await _towardsFar.DisposeAsync();
        }
        if (_towardsSlow is not null)
        {
            await _towardsSlow.DisposeAsync();
        }
    }

    [NetworkNamespaceFact]
    public async Task With_200_ms_latency_and_10_percent_loss_on_one_link_membership_does_not_flap_and_no_client_request_fails()
    {
        Prerequisites.RequireNetworkNamespaces();
        _cluster = await NamespaceCluster.CreateAsync(output, Size);
        var cluster = _cluster;
        var net = cluster.Net;
        var host = IPAddress.Parse(net.HostAddress);
        _towardsFar = DelayRelay.Start(host, new IPEndPoint(IPAddress.Parse(net.Addresses[Far]), NamespaceCluster.ClusterPort), Latency);
        _towardsSlow = DelayRelay.Start(host, new IPEndPoint(IPAddress.Parse(net.Addresses[Slow]), NamespaceCluster.ClusterPort), Latency);
        foreach (var i in Everyone)
        {
            await cluster.StartAsync(i, FormDeadline);
        }
        var formed = await cluster.WaitForAgreementAsync(Everyone, FormDeadline, StatusPollPause);
        var membership = ProcessCluster.Fingerprint(formed);
        output.WriteLine($"formed on a clean network: {membership}");

        await DegradeLinkAsync(net);
        await Poll.UntilAsync(() => _towardsFar.BackwardBytes + _towardsSlow.BackwardBytes > 0, "lb-1 and lb-3 to reconnect through the relays", FormDeadline);
        formed = await cluster.WaitForAgreementAsync(Everyone, FormDeadline, StatusPollPause);
        Assert.Equal(membership, ProcessCluster.Fingerprint(formed));
        output.WriteLine($"formed: {membership}; relays carried {Bytes()}");

        await using var load = SteadyLoad.Start(() => cluster.ProxyUrls, output);
        var droppedBefore = await net.DroppedPacketsAsync(Slow);
        var unreachable = new List<string>();
        var changes = new List<string>();
        var samples = 0;
        var clock = Stopwatch.StartNew();
        load.Mark($"observing membership for {Observed.TotalSeconds:0} s");
        while (clock.Elapsed < Observed)
        {
            var views = await Task.WhenAll(Everyone.Select(cluster.StatusAsync));
            samples++;
            foreach (var (view, i) in views.Select((v, i) => (v, i)))
            {
                if (view is not { } v)
                {
                    changes.Add($"{clock.Elapsed.TotalSeconds:0.0} s {NamespaceCluster.Name(i)}: no status");
                    continue;
                }
                if (ProcessCluster.Fingerprint(v) != membership)
                {
                    changes.Add($"{clock.Elapsed.TotalSeconds:0.0} s {NamespaceCluster.Name(i)}: {ProcessCluster.Fingerprint(v)}");
                }
                if (v.GetProperty("members").EnumerateArray().Any(m => !m.GetProperty("reachable").GetBoolean()))
                {
                    unreachable.Add($"{clock.Elapsed.TotalSeconds:0.0} s {NamespaceCluster.Name(i)}: {JsonSerializer.Serialize(v.GetProperty("unreachable"))}");
                }
            }
            // The sampling interval of the observation, not a synchronisation: the window is fixed.
            await Task.Delay(StatusPollPause);
        }
        await load.StopAsync();
        load.Report();
        var dropped = await net.DroppedPacketsAsync(Slow) - droppedBefore;
        output.WriteLine($"OBSERVED {samples} samples over {clock.Elapsed.TotalSeconds:0} s: {changes.Count} membership changes, {unreachable.Count} unreachable sightings; " +
            $"{dropped} packets dropped on the link; relays carried {Bytes()} over {_towardsFar.Accepted + _towardsSlow.Accepted} connections");
        foreach (var line in unreachable.Concat(changes).Take(20))
        {
            output.WriteLine($"  {line}");
        }

        Assert.Empty(changes);
        Assert.Empty(unreachable);
        Assert.Equal(0, load.Failed);
        Assert.True(dropped > 0, "the link lost packets while observed");
        Assert.True(_towardsFar.ForwardBytes + _towardsSlow.ForwardBytes > 0 && _towardsFar.BackwardBytes + _towardsSlow.BackwardBytes > 0,
            $"the lb-1 <-> lb-3 link went through the relays ({Bytes()})");
        Assert.True(Everyone.All(i => load.AnsweredBy(i) > 0), "every node served");
    }

    /// <summary>
    /// Sends lb-3's connections to lb-1's cluster port through one relay and lb-1's to lb-3's through the other
    /// (DNAT in each one's namespace), drops <see cref="Loss"/> of the link's packets both ways in lb-3's namespace,
    /// then resets the link's open connections so that Akka reconnects through the relays. Other traffic (lb-2, the
    /// test's HTTP) is untouched.
    /// </summary>
    /// <remarks>
    /// The cluster forms first on the clean network: a relay accepts before it knows whether its target is up, and a
    /// node whose outbound TLS handshake is cut by a closed connection shuts down with exit code 79 (Akka.Remote's
    /// <c>TlsHandshakeFailureReason</c>), which is what happened when the rules were in place before the nodes started.
    /// </remarks>
    private async Task DegradeLinkAsync(NetworkNamespaces net)
    {
        var far = net.Addresses[Far];
        var slow = net.Addresses[Slow];
        var port = NamespaceCluster.ClusterPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await net.AppendRulesAsync(Slow, "nat", [["OUTPUT", "-p", "tcp", "-d", far, "--dport", port, "-j", "DNAT", "--to-destination", _towardsFar!.Endpoint.ToString()]]);
        await net.AppendRulesAsync(Far, "nat", [["OUTPUT", "-p", "tcp", "-d", slow, "--dport", port, "-j", "DNAT", "--to-destination", _towardsSlow!.Endpoint.ToString()]]);
        string[] random = ["-m", "statistic", "--mode", "random", "--probability", Loss, "-j", "DROP"];
        await net.AppendRulesAsync(Slow, "filter",
        [
            // lb-3 -> lb-1 connections (relayed): matched by their original destination, both directions.
            ["OUTPUT", "-p", "tcp", "-m", "conntrack", "--ctorigdst", far, "--ctorigdstport", port, .. random],
            ["INPUT", "-p", "tcp", "-m", "conntrack", "--ctorigdst", far, "--ctorigdstport", port, .. random],
            // lb-1 -> lb-3 connections arrive from the relay on the host address.
            ["INPUT", "-p", "tcp", "-s", net.HostAddress, "--dport", port, .. random],
            ["OUTPUT", "-p", "tcp", "-d", net.HostAddress, "--sport", port, .. random],
        ]);
        output.WriteLine($"rules in {net.Names[Slow]}:\n{await net.RulesAsync(Slow)}");
        await net.KillSocketsAsync(Slow, "dst", far, "dport", "=", port);
        await net.KillSocketsAsync(Slow, "dst", far, "sport", "=", port);
        await net.KillSocketsAsync(Far, "dst", slow, "dport", "=", port);
        await net.KillSocketsAsync(Far, "dst", slow, "sport", "=", port);
    }

    private string Bytes() =>
        $"lb-3->lb-1 {_towardsFar!.ForwardBytes}/{_towardsFar.BackwardBytes} B, lb-1->lb-3 {_towardsSlow!.ForwardBytes}/{_towardsSlow.BackwardBytes} B (out/back)";
}
