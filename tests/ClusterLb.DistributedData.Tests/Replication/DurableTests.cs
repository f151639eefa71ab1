using ClusterLb.DistributedData.Replication;
using Pool = ClusterLb.DistributedData.Crdt.LWWMap<string, string>;

namespace ClusterLb.DistributedData.Tests.Replication;

public class DurableTests
{
    [Fact]
    public async Task Durable_keys_survive_a_restart_and_other_keys_do_not()
    {
        var store = new InMemoryDurableStore();
        var settings = ReplicaCluster.FastSettings with { DurableKeys = ["pool-*"] };
        var durable = new Key<Pool>("pool-web");
        var transient = new Key<Pool>("scratch");

        await using (var first = ReplicaCluster.Start(1, settings, stores: _ => store))
        {
            await first[0].Update(durable, Pool.Empty, WriteLocal.Instance, p => p.SetItem(first[0].Id, "host-1", "spec"));
            await first[0].Update(transient, Pool.Empty, WriteLocal.Instance, p => p.SetItem(first[0].Id, "x", "y"));
            await ReplicaCluster.Eventually(() => Task.FromResult(store.Keys.Contains("pool-web")), "the durable key is stored");
        }

        Assert.DoesNotContain("scratch", store.Keys);

        // A new incarnation (new uid) of the node: the first request already sees the loaded data.
        await using var second = ReplicaCluster.Start(1, settings, stores: _ => store);
        Assert.Equal("spec", (await second[0].GetLocal(durable))!.Entries["host-1"]);
        Assert.IsType<NotFound>(await second[0].Ask(new Get(transient, ReadLocal.Instance)));
    }

    [Fact]
    public async Task An_unreadable_durable_entry_is_skipped_with_a_warning()
    {
        var store = new InMemoryDurableStore();
        await store.StoreAsync("pool-broken", [0xFF, 0x01, 0x02], CancellationToken.None);
        var settings = ReplicaCluster.FastSettings with { DurableKeys = ["pool-*"] };

        await using var cluster = ReplicaCluster.Start(1, settings, stores: _ => store);

        Assert.IsType<NotFound>(await cluster[0].Ask(new Get(new Key<Pool>("pool-broken"), ReadLocal.Instance)));
        Assert.Contains(cluster.Logs.Entries, e => e.Id.Id == 6008 && e.Message.Contains("pool-broken"));
    }

    [Fact]
    public async Task A_failing_durable_write_is_answered_with_store_failure_and_the_replicator_keeps_serving()
    {
        var settings = ReplicaCluster.FastSettings with { DurableKeys = ["pool-*"] };
        await using var cluster = ReplicaCluster.Start(1, settings, stores: _ => new FailingStore());
        var key = new Key<Pool>("pool-web");

        var failure = Assert.IsType<StoreFailure>(await cluster[0].Update(key, Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "a", "1"), "req-1"));
        Assert.Equal("req-1", failure.Request);
        Assert.IsType<UpdateSuccess>(await cluster[0].Update(new Key<Pool>("scratch"), Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "a", "1")));

        await ReplicaCluster.Eventually(() => Task.FromResult(cluster.Logs.Entries.Any(e => e.Id.Id == 6007 && e.Message.Contains("pool-web"))),
            "the failed store is logged");
        Assert.Equal("1", (await cluster[0].GetLocal(key))!.Entries["a"]);
    }

    [Fact]
    public async Task The_reply_to_a_durable_update_waits_for_the_store_and_other_keys_do_not()
    {
        var store = new GatedStore();
        var settings = ReplicaCluster.FastSettings with { DurableKeys = ["pool-*"] };
        await using var cluster = ReplicaCluster.Start(3, settings, stores: i => i == 0 ? store : new InMemoryDurableStore());

        var durable = cluster[0].Update(new Key<Pool>("pool-web"), Pool.Empty, new WriteMajority(TimeSpan.FromSeconds(5)),
            p => p.SetItem(cluster[0].Id, "a", "1"));
        await store.Started.Task.WaitAsync(ReplicaCluster.Deadline);

        // While the durable write hangs, a non-durable update is answered, and the durable one is not.
        Assert.IsType<UpdateSuccess>(await cluster[0].Update(new Key<Pool>("scratch"), Pool.Empty, WriteLocal.Instance, p => p.SetItem(cluster[0].Id, "a", "1")));
        Assert.False(durable.IsCompleted);

        store.Release.SetResult();
        var success = Assert.IsType<UpdateSuccess>(await durable);
        Assert.Equal(ConsistencyReached.Majority, success.Reached);
    }

    private sealed class GatedStore : IDurableStore
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>());

        public async Task StoreAsync(string key, byte[] envelope, CancellationToken cancellationToken)
        {
            Started.TrySetResult();
            await Release.Task;
        }
    }

    private sealed class FailingStore : IDurableStore
    {
        public Task<IReadOnlyDictionary<string, byte[]>> LoadAllAsync(CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyDictionary<string, byte[]>>(new Dictionary<string, byte[]>());

        public Task StoreAsync(string key, byte[] envelope, CancellationToken cancellationToken) =>
            Task.FromException(new IOException("disk full"));
    }

    [Fact]
    public void Durable_key_patterns_match_exact_names_and_prefixes()
    {
        var settings = new ReplicatorSettings { DurableKeys = ["routes", "pool-*"] };
        Assert.True(settings.IsDurable("routes"));
        Assert.True(settings.IsDurable("pool-web"));
        Assert.False(settings.IsDurable("routes-2"));
        Assert.False(settings.IsDurable("health"));
    }
}
