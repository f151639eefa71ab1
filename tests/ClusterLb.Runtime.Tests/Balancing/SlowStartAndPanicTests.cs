using Akka.Actor;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;
using ClusterLb.Runtime.Balancing;
using ClusterLb.Runtime.Tests.Support;

namespace ClusterLb.Runtime.Tests.Balancing;

/// <summary>The router ramps a recovered host's weight over <c>slow-start</c> and routes across every host in panic mode.</summary>
public sealed class SlowStartAndPanicTests : BalancingTestKit
{
    [Fact]
    public async Task A_recovered_host_ramps_its_weight_in_steps_and_the_status_shows_the_ramp()
    {
        var events = HealthEvents();
        var pool = Pool("main", 0, Checks(), null, "a", "b") with { Options = BalancingOptions.Default with { SlowStart = TimeSpan.FromSeconds(2) } };
        var (balancer, handle) = await StartAsync(pool);

        Probes.Status["b.test"] = 503;
        ExpectHealth(events, "b", HostHealth.Down);
        Probes.Status["b.test"] = 200;
        ExpectHealth(events, "b", HostHealth.Up);

        // While b ramps, a weighs a full step count and b a growing part of it; the status says how far b is.
        await AwaitConditionAsync(() => Weights(handle) is ({ } a, { } b) && b < a, Deadline, ClusterSystems.PollInterval, "b to rejoin with a ramped weight");
        var status = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, Deadline);
        var ramp = status.Services.Single().Pools.Single().Hosts.Single(h => h.Id == "b").SlowStartPercent;
        Assert.InRange(ramp ?? -1, 0, 99);

        var seen = new List<double>();
        await AwaitConditionAsync(() =>
        {
            var (a, b) = Weights(handle);
            if (a is { } full && b is { } part)
            {
                var share = (double)part / full;
                if (seen.Count == 0 || seen[^1] != share)
                {
                    seen.Add(share);
                }
            }
            return a == b;
        }, Deadline, TimeSpan.FromMilliseconds(10), "b's ramp to end at a's weight");

        Assert.True(seen.Count >= 3, $"the ramp went through {string.Join(", ", seen)}; it should climb in several steps");
        Assert.Equal(seen.Order(), seen);
        Assert.Equal(1.0, seen[^1]);
        // The last step is the full weight; the window's end takes the host off the ramp.
        await AwaitConditionAsync(async () =>
        {
            var after = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, Deadline);
            return after.Services.Single().Pools.Single().Hosts.Single(h => h.Id == "b").SlowStartPercent is null;
        }, Deadline, ClusterSystems.PollInterval, "the status to show b off the ramp");
    }

    [Fact]
    public async Task Below_the_panic_threshold_every_host_takes_traffic_and_the_status_says_panic()
    {
        var events = HealthEvents();
        var pool = Pool("main", 0, Checks(), null, "a", "b", "c", "d") with { Options = BalancingOptions.Default with { PanicThreshold = 50 } };
        var (balancer, handle) = await StartAsync(pool);

        // Two of four healthy is exactly the threshold: not yet panic, the two down hosts are out.
        Probes.Status["c.test"] = 503;
        ExpectHealth(events, "c", HostHealth.Down);
        Probes.Status["d.test"] = 503;
        ExpectHealth(events, "d", HostHealth.Down);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a", "b"]), Deadline, ClusterSystems.PollInterval, "c and d out of rotation");
        Assert.False(handle.Snapshot.Active!.Panic);

        Probes.Status["b.test"] = 503;
        ExpectHealth(events, "b", HostHealth.Down);
        await AwaitConditionAsync(() => handle.Snapshot.Active!.Panic, Deadline, ClusterSystems.PollInterval, "1 of 4 healthy to panic the pool");
        Assert.Equal(["a", "b", "c", "d"], Healthy(handle));
        var picked = new HashSet<string>();
        for (var i = 0; i < 8; i++)
        {
            var host = handle.Pick()!;
            picked.Add(host.Id);
            RouteHandle.Complete(host, default);
        }
        Assert.Equal(["a", "b", "c", "d"], picked.Order());
        var status = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, Deadline);
        Assert.True(status.Services.Single().Pools.Single().Panic);

        Probes.Status["b.test"] = 200;
        ExpectHealth(events, "b", HostHealth.Up);
        await AwaitConditionAsync(() => !handle.Snapshot.Active!.Panic && Healthy(handle).SequenceEqual(["a", "b"]), Deadline, ClusterSystems.PollInterval, "panic to end at 2 of 4");
    }

    [Fact]
    public async Task Without_a_threshold_a_pool_never_panics()
    {
        var events = HealthEvents();
        var (_, handle) = await StartAsync(Pool("main", 0, Checks(), null, "a", "b", "c"));
        Probes.Status["b.test"] = 503;
        ExpectHealth(events, "b", HostHealth.Down);
        Probes.Status["c.test"] = 503;
        ExpectHealth(events, "c", HostHealth.Down);
        await AwaitConditionAsync(() => Healthy(handle).SequenceEqual(["a"]), Deadline, ClusterSystems.PollInterval, "only a in rotation");
        Assert.False(handle.Snapshot.Active!.Panic);
    }

    private static (int? A, int? B) Weights(RouteHandle handle)
    {
        var hosts = handle.Snapshot.Active?.Healthy ?? [];
        return (hosts.FirstOrDefault(h => h.Id == "a")?.Weight, hosts.FirstOrDefault(h => h.Id == "b")?.Weight);
    }
}
