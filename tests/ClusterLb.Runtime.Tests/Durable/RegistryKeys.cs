using Akka.DistributedData;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>The keys the durable-store tests write: two under the durable pattern <c>registry-*</c>, one outside it.</summary>
internal static class RegistryKeys
{
    public static readonly LWWDictionaryKey<string, string> Hosts = new("registry-hosts");

    public static readonly GCounterKey Version = new("registry-version");

    public static readonly GCounterKey Scratch = new("scratch-counter");

    public static Task<IUpdateResponse> AddHostAsync(this DurableNode node, string id, string address) =>
        node.UpdateAsync(Hosts, LWWDictionary<string, string>.Empty, hosts => hosts.SetItem(node.Cluster, id, address));

    public static Task<IUpdateResponse> IncrementAsync(this DurableNode node, GCounterKey key, ulong by = 1) =>
        node.UpdateAsync(key, GCounter.Empty, counter => counter.Increment(node.Cluster, by));

    public static async Task<T> GetValueAsync<T>(this DurableNode node, IKey<T> key)
        where T : IReplicatedData<T>
    {
        var response = await node.GetAsync(key);
        return Assert.IsType<GetSuccess>(response).Get(key);
    }
}
