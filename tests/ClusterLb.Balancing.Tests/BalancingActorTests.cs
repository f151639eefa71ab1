using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net;
using ClusterLb.Actors;
using ClusterLb.Balancing.Actors;
using ClusterLb.Balancing.Routing;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Tests;

/// <summary>
/// The balancer, router and health-checker actors with a scripted probe client: no sockets, so these pin the
/// actor protocol (health change in the mailbox, new snapshot out) on its own.
/// </summary>
public sealed class BalancingActorTests : IAsyncLifetime
{
    private readonly ScriptedProbes _probes = new();
    private ActorSystem _system = null!;
    private HttpMessageInvoker _client = null!;

    public Task InitializeAsync()
    {
        _system = ActorSystem.Create("balancing-tests");
        _client = new HttpMessageInvoker(_probes);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        _client.Dispose();
    }

    private static PoolSettings Pool(string id, int priority, HealthCheckSettings checks, PassiveHealthSettings? passive = null, params string[] hosts) =>
        new(id, BalancingMethod.RoundRobin, priority,
            hosts.Select(h => new HostSettings(h, new Uri($"http://{h}.test"))).ToImmutableArray(),
            checks, passive ?? PassiveHealthSettings.Default);

    private static HealthCheckSettings Checks(int rise = 2, int fall = 2) =>
        HealthCheckSettings.Default with { Interval = TimeSpan.FromMilliseconds(20), Rise = rise, Fall = fall };

    private async Task<(IActorRef Balancer, RouteHandle Handle)> StartAsync(params PoolSettings[] pools)
    {
        var settings = new BalancingSettings([new ServiceSettings("web", ServiceMatch.Any, [.. pools])]).Validate();
        var handles = BalancerActor.CreateHandles(settings);
        var balancer = _system.ActorOf(BalancerActor.Props(settings, handles, _client), BalancerActor.Name);
        await handles["web"].FirstPublished.WaitAsync(TimeSpan.FromSeconds(5));
        return (balancer, handles["web"]);
    }

    private static string[] Healthy(RouteHandle handle) =>
        handle.Snapshot.Pools.SelectMany(p => p.Healthy).Select(h => h.Id).ToArray();

    [Fact]
    public async Task Failing_probes_publish_a_snapshot_without_the_host_and_good_probes_bring_it_back()
    {
        var (_, handle) = await StartAsync(Pool("main", 0, Checks(), null, "a", "b"));
        Assert.Equal(["a", "b"], Healthy(handle));
        var version = handle.Snapshot.Version;

        _probes.Status["b.test"] = 503;
        await Eventually.TrueAsync(() => Healthy(handle).SequenceEqual(["a"]), "b to leave the snapshot");
        Assert.True(handle.Snapshot.Version > version);
        for (var i = 0; i < 6; i++)
        {
            Assert.Equal("a", handle.Pick()!.Id);
        }

        _probes.Status["b.test"] = 200;
        await Eventually.TrueAsync(() => Healthy(handle).SequenceEqual(["a", "b"]), "b to rise again");
    }

    [Fact]
    public async Task Pools_fail_over_in_priority_order()
    {
        var (_, handle) = await StartAsync(Pool("backup", 1, Checks(), null, "z"), Pool("main", 0, Checks(), null, "a"));
        Assert.Equal("main", handle.Snapshot.Pools[0].Id);
        Assert.Equal("a", handle.Pick()!.Id);

        _probes.Status["a.test"] = 500;
        await Eventually.TrueAsync(() => handle.Pick() is { Id: "z" } picked && Release(picked), "traffic to fail over to z");
    }

    [Fact]
    public async Task Passive_failure_takes_a_host_out_and_down_time_brings_it_back_when_active_checks_are_off()
    {
        var passive = PassiveHealthSettings.Default with { DownTime = TimeSpan.FromMilliseconds(300) };
        var (_, handle) = await StartAsync(Pool("main", 0, Checks() with { Enabled = false }, passive, "a", "b"));

        var b = handle.Snapshot.Pools[0].Healthy.Single(h => h.Id == "b");
        RouteHandle.Complete(b, new RequestOutcome(0, TimeSpan.Zero, ConnectFailed: true));

        await Eventually.TrueAsync(() => Healthy(handle).SequenceEqual(["a"]), "b to be marked down passively");
        await Eventually.TrueAsync(() => Healthy(handle).SequenceEqual(["a", "b"]), "b to return after its down-time");
        Assert.Equal(0, _probes.Count("b.test"));
    }

    [Fact]
    public async Task Status_is_assembled_from_every_checker()
    {
        var (balancer, handle) = await StartAsync(Pool("main", 0, Checks(), null, "a", "b", "c"));
        _probes.Status["c.test"] = 404;
        await Eventually.TrueAsync(() => Healthy(handle).Length == 2, "c to go down");
        var held = handle.Pick()!;

        var status = await balancer.Ask<BalancerStatus>(GetBalancerStatus.Instance, TimeSpan.FromSeconds(5));

        var service = Assert.Single(status.Services);
        Assert.Equal("degraded", service.Status);
        Assert.Equal("2/3 hosts healthy", service.Detail);
        var hosts = service.Pools.Single().Hosts.ToDictionary(h => h.Id);
        Assert.Equal("down", hosts["c"].Health);
        Assert.True(hosts["c"].ConsecutiveFailures >= 2);
        Assert.Contains("404", hosts["c"].LastCheckError);
        Assert.Equal(1, hosts[held.Id].InFlight);
        RouteHandle.Complete(held, default);
    }

    private static bool Release(UpstreamHost host)
    {
        RouteHandle.Complete(host, default);
        return true;
    }

    private sealed class ScriptedProbes : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, int> _counts = new();

        public ConcurrentDictionary<string, int> Status { get; } = new();

        public int Count(string authority) => _counts.GetValueOrDefault(authority);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var authority = request.RequestUri!.Authority;
            _counts.AddOrUpdate(authority, 1, (_, n) => n + 1);
            return Task.FromResult(new HttpResponseMessage((HttpStatusCode)Status.GetValueOrDefault(authority, 200)));
        }
    }
}

/// <summary>Poll-until-deadline: the condition decides, the short pause only spaces the polls.</summary>
internal static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, string what) => TrueAsync(() => Task.FromResult(condition()), what);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }
            await Task.Delay(10);
        }
    }
}
