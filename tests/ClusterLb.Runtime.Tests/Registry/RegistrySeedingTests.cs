using ClusterLb.Balancing.Registry;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>A configured pool is written to the registry only when its key is absent from the cluster's registry.</summary>
public sealed class RegistrySeedingTests : RegistryTestKit
{
    [Fact]
    public async Task The_first_node_seeds_the_configured_pool()
    {
        var n1 = await StartBalancerAsync(Sys);

        Assert.Equal(["a", "b"], n1.Routed());
        var pool = await n1.Admin.GetPoolAsync("main", None);
        Assert.Equal("web", pool!.Service);
        Assert.Equal(["a", "b"], pool.Hosts.Select(h => h.Spec.Id));
    }

    [Fact]
    public async Task A_node_joining_later_does_not_reseed_a_configured_host_removed_at_runtime()
    {
        var n1 = await StartBalancerAsync(Sys);
        Assert.Equal(RegistryWriteStatus.Applied, (await n1.Admin.ApplyAsync(new RemoveHost("main", "a"), None)).Status);

        // n2 has the same configuration (hosts a and b) but finds the pool in n1's replica: it seeds nothing.
        var other = StartNode();
        await ClusterSystems.FormAsync(this, Sys, other);
        var n2 = await StartBalancerAsync(other);

        Assert.Equal(["b"], n2.Routed());
        Assert.Equal(["b"], (await n2.Admin.GetPoolAsync("main", None))!.Hosts.Select(h => h.Spec.Id));
        Assert.Equal(["b"], n1.Routed());
    }

    [Fact]
    public async Task A_node_that_cannot_reach_the_majority_at_start_seeds_from_its_local_replica()
    {
        var other = StartNode();
        await ClusterSystems.FormAsync(this, Sys, other);
        await ClusterSystems.SetLinkAsync(Sys, other, connected: false);

        var n1 = await StartBalancerAsync(Sys, writeTimeout: TimeSpan.FromMilliseconds(300));

        Assert.Equal(["a", "b"], n1.Routed());
        var write = await n1.Admin.ApplyAsync(new UpdateHost("main", "a", 2), None);
        Assert.Equal((RegistryWriteStatus.Applied, "local"), (write.Status, write.Consistency));
        await ClusterSystems.SetLinkAsync(Sys, other, connected: true);
    }
}
