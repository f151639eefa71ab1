using System.Collections.Concurrent;
using System.Reflection;
using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Replication;

/// <summary>Calls the typed <see cref="IRemovedNodePruning{T}"/> methods on an untyped value.</summary>
internal static class PruningDispatch
{
    private static readonly ConcurrentDictionary<Type, (MethodInfo Prune, MethodInfo Cleanup)?> Methods = new();

    public static IReplicatedData Prune(IReplicatedData data, ReplicaId removed, ReplicaId collapseInto) =>
        Find(data) is { } m ? (IReplicatedData)m.Prune.Invoke(data, [removed, collapseInto])! : data;

    public static IReplicatedData Cleanup(IReplicatedData data, ReplicaId removed) =>
        data is IRemovedNodePruning p && p.NeedPruningFrom(removed) && Find(data) is { } m
            ? (IReplicatedData)m.Cleanup.Invoke(data, [removed])!
            : data;

    private static (MethodInfo Prune, MethodInfo Cleanup)? Find(IReplicatedData data) =>
        Methods.GetOrAdd(data.GetType(), static type =>
        {
            var contract = type.GetInterfaces().FirstOrDefault(i =>
                i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IRemovedNodePruning<>));
            return contract is null
                ? null
                : (contract.GetMethod(nameof(IRemovedNodePruning<object>.Prune))!,
                   contract.GetMethod(nameof(IRemovedNodePruning<object>.PruningCleanup))!);
        });
}
