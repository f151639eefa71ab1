using System.Collections.Concurrent;
using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.DistributedData.Durable;

namespace ClusterLb.Runtime.Tests.Registry;

/// <summary>
/// A durable store for <c>akka.cluster.distributed-data.durable.store-actor-class</c> that keeps envelopes in the
/// test process, under <c>durable.memory.name</c>, so a node started again with the same name loads what the last
/// one stored. With <c>durable.memory.fail-stores = on</c> it refuses every store, as a full disk would.
/// </summary>
public sealed class MemoryDurableStore : ReceiveActor
{
    private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, DurableDataEnvelope>> Stores = new();

    public MemoryDurableStore(Config durable)
    {
        var name = durable.GetString("memory.name") ?? throw new ArgumentException("durable.memory.name is required");
        var failStores = durable.GetBoolean("memory.fail-stores", false);
        var entries = Stores.GetOrAdd(name, _ => new ConcurrentDictionary<string, DurableDataEnvelope>());

        Receive<LoadAll>(_ =>
        {
            if (!entries.IsEmpty)
            {
                Sender.Tell(new LoadData(entries.ToImmutableDictionary()));
            }
            Sender.Tell(LoadAllCompleted.Instance);
        });
        Receive<Store>(store =>
        {
            if (failStores)
            {
                store.Reply?.ReplyTo.Tell(store.Reply.FailureMessage);
                return;
            }
            entries[store.Key] = store.Data;
            store.Reply?.ReplyTo.Tell(store.Reply.SuccessMessage);
        });
    }

    /// <summary>HOCON that makes the registry keys durable in the store <paramref name="name"/>.</summary>
    public static string Hocon(string name, bool failStores = false) => $$"""
        akka.cluster.distributed-data.durable {
          keys = ["registry-*"]
          store-actor-class = "{{typeof(MemoryDurableStore).AssemblyQualifiedName}}"
          memory { name = "{{name}}", fail-stores = {{(failStores ? "on" : "off")}} }
        }
        """;
}
