using System.Collections.Immutable;
using Akka.Actor;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Discovery;
using ClusterLb.Runtime.Tests.Registry;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>Discovered hosts in the registry: written beside the static ones, followed by the router, refused to the admin API.</summary>
public sealed class DiscoveredHostWriteTests : RegistryTestKit
{
    private static DiscoveredHost Found(string address, int weight = 1) => new(new Uri(address), weight);

    [Fact]
    public async Task A_sync_adds_and_drops_discovered_hosts_and_leaves_the_static_ones()
    {
        var node = await StartBalancerAsync(Sys);
        var first = await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.1:8080"), Found("http://10.0.0.2:8080", 3)]), None);
        Assert.Equal((RegistryWriteStatus.Applied, "majority"), (first.Status, first.Consistency));
        await AwaitConditionAsync(() => node.Routed().Length == 4, Deadline, ClusterSystems.PollInterval, "the router to route both discovered hosts");
        Assert.Equal(["10.0.0.1-8080", "10.0.0.2-8080", "a", "b"], node.Routed().Order(StringComparer.Ordinal));

        var pool = await node.Admin.GetPoolAsync("main", None);
        Assert.Equal(
            ["10.0.0.1-8080 dns 1", "10.0.0.2-8080 dns 3", "a static 1", "b static 1"],
            pool!.Hosts.Select(h => $"{h.Spec.Id} {h.Spec.Source} {h.Spec.Weight}"));

        var second = await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.2:8080", 3)]), None);
        Assert.Equal(RegistryWriteStatus.Applied, second.Status);
        await AwaitConditionAsync(() => node.Routed().Length == 3, Deadline, ClusterSystems.PollInterval, "the router to drop 10.0.0.1");
        Assert.Equal(["10.0.0.2-8080", "a", "b"], node.Routed().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task An_unchanged_answer_writes_nothing_and_counts_no_version()
    {
        var node = await StartBalancerAsync(Sys);
        await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.1:8080")]), None);
        var before = (await node.Admin.GetStatusAsync(None)).Version;

        var again = await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.1:8080")]), None);

        Assert.Equal((RegistryWriteStatus.Applied, "unchanged"), (again.Status, again.Consistency));
        Assert.Equal(before, (await node.Admin.GetStatusAsync(None)).Version);
    }

    [Fact]
    public async Task The_admin_api_refuses_to_edit_a_discovered_host_with_a_conflict_that_says_why()
    {
        var node = await StartBalancerAsync(Sys);
        await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.1:8080")]), None);

        foreach (var edit in new RegistryCommand[]
        {
            new UpdateHost("main", "10.0.0.1-8080", 5),
            new SetHostState("main", "10.0.0.1-8080", HostAdminState.Down),
            new RemoveHost("main", "10.0.0.1-8080"),
            new AddHost("main", "10.0.0.1-8080", new Uri("http://elsewhere.test"), 1),
        })
        {
            var refused = await node.Admin.ApplyAsync(edit, None);
            Assert.Equal((RegistryWriteStatus.Conflict, "id"), (refused.Status, refused.Field));
        }
        var reason = (await node.Admin.ApplyAsync(new UpdateHost("main", "10.0.0.1-8080", 5), None)).Reason;
        Assert.Contains("found by dns discovery", reason);

        var host = (await node.Admin.GetPoolAsync("main", None))!.Hosts.Single(h => h.Spec.Id == "10.0.0.1-8080").Spec;
        Assert.Equal((1, HostAdminState.Up, new Uri("http://10.0.0.1:8080")), (host.Weight, host.State, host.Address));
        // Static hosts stay editable.
        Assert.Equal(RegistryWriteStatus.Applied, (await node.Admin.ApplyAsync(new UpdateHost("main", "a", 2), None)).Status);
    }

    [Fact]
    public async Task A_discovered_id_a_static_host_holds_is_left_out_and_named()
    {
        var node = await StartBalancerAsync(Sys);
        await node.Admin.ApplyAsync(new AddHost("main", "10.0.0.9-80", new Uri("http://static.test"), 1), None);

        var result = await node.Admin.ApplyAsync(new SyncDiscoveredHosts("main", HostSources.Dns, [Found("http://10.0.0.9:80"), Found("http://10.0.0.8:80")]), None);

        Assert.Equal(RegistryWriteStatus.Applied, result.Status);
        Assert.Contains("left out 10.0.0.9-80", result.Reason);
        var hosts = (await node.Admin.GetPoolAsync("main", None))!.Hosts.ToDictionary(h => h.Spec.Id, h => h.Spec);
        Assert.Equal((HostSources.Static, new Uri("http://static.test")), (hosts["10.0.0.9-80"].Source, hosts["10.0.0.9-80"].Address));
        Assert.Equal(HostSources.Dns, hosts["10.0.0.8-80"].Source);
    }

    [Fact]
    public async Task A_flapping_source_is_coalesced_to_one_write_per_window_and_the_last_answer_wins()
    {
        var node = await StartBalancerAsync(Sys);
        var settings = new FixedDiscoverySettings { WriteInterval = TimeSpan.FromMilliseconds(500) };
        var writer = Sys.ActorOf(PoolDiscoveryActor.Props("main", settings, node.Admin, Akka.Actor.Props.Empty));
        var before = (await node.Admin.GetStatusAsync(None)).Version;
        var one = ImmutableArray.Create(Found("http://10.0.0.1:80"));
        var two = ImmutableArray.Create(Found("http://10.0.0.2:80"));

        // 40 answers over 2 s, alternating: a host joining and leaving every 50 ms.
        var started = DateTime.UtcNow;
        for (var i = 0; i < 40; i++)
        {
            writer.Tell(new HostsDiscovered(i % 2 == 0 ? one : two));
            await Task.Delay(50);
        }
        writer.Tell(new HostsDiscovered(one));
        var elapsed = DateTime.UtcNow - started;

        await AwaitConditionAsync(async () => (await node.Admin.GetPoolAsync("main", None))!.Hosts.Any(h => h.Spec.Id == "10.0.0.1-80")
            && (await node.Admin.GetPoolAsync("main", None))!.Hosts.All(h => h.Spec.Id != "10.0.0.2-80"), Deadline, ClusterSystems.PollInterval, "the last answer to be written");
        await Task.Delay(settings.WriteInterval * 2); // any write still pending would land now, and must not change the answer
        var writes = (await node.Admin.GetStatusAsync(None)).Version - before;
        var bound = (long)Math.Ceiling(elapsed / settings.WriteInterval) + 2;
        Assert.InRange(writes, 1, bound);
        Assert.Contains((await node.Admin.GetPoolAsync("main", None))!.Hosts, h => h.Spec.Id == "10.0.0.1-80");
    }

    /// <summary>Settings of a source the test plays itself (the writer gets no source child).</summary>
    private sealed record FixedDiscoverySettings : DiscoverySettings
    {
        public override string Type => HostSources.Dns;

        public override string Summary => "played by the test";
    }
}
