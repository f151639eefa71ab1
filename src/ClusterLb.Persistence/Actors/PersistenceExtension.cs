using ClusterLb.Actors;
using ClusterLb.Persistence.Journal;
using ClusterLb.Persistence.Serialization;
using ClusterLb.Persistence.Snapshot;
using ClusterLb.Persistence.Sql;

namespace ClusterLb.Persistence;

/// <summary>
/// The journal, snapshot store and payload type registry of one actor system; persistent actors find them here.
/// Register it once at startup.
/// </summary>
public sealed class PersistenceExtension
{
    public PersistenceExtension(IJournal journal, ISnapshotStore snapshotStore, MessageTypeRegistry registry)
    {
        Journal = journal ?? throw new ArgumentNullException(nameof(journal));
        SnapshotStore = snapshotStore ?? throw new ArgumentNullException(nameof(snapshotStore));
        Registry = registry ?? throw new ArgumentNullException(nameof(registry));
    }

    public IJournal Journal { get; }

    public ISnapshotStore SnapshotStore { get; }

    /// <summary>Types that may be persisted; persistent actors add theirs when they start.</summary>
    public MessageTypeRegistry Registry { get; }

    /// <summary>The SQL database behind the stores, when they were built from settings; null for custom stores.</summary>
    public SqlDialect? Dialect { get; init; }

    /// <summary>Makes <paramref name="extension"/> the system's persistence; a second, different registration is an error.</summary>
    public static PersistenceExtension Register(ActorSystem system, PersistenceExtension extension)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(extension);
        var registered = system.GetOrAddExtension(_ => extension);
        if (!ReferenceEquals(registered, extension))
        {
            throw new InvalidOperationException($"Actor system '{system.Name}' already has a persistence extension registered.");
        }

        return registered;
    }

    /// <summary>
    /// Builds the configured stores (each behind its circuit breaker), registers them, and releases their
    /// connections when the system terminates.
    /// </summary>
    public static PersistenceExtension Register(ActorSystem system, PersistenceSettings settings, MessageTypeRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        registry ??= new MessageTypeRegistry();
        var stores = PersistenceStores.Create(settings, Directory.GetCurrentDirectory(), registry, loggerFactory: system.LoggerFactory);
        var extension = Register(system, new PersistenceExtension(stores.Journal, stores.SnapshotStore, registry) { Dialect = stores.Dialect });
        system.WhenTerminated.ContinueWith(_ => stores.DisposeAsync().AsTask(), TaskScheduler.Default);
        return extension;
    }

    /// <summary>
    /// Reads <c>clusterlb.persistence</c> from the system's configuration (<see cref="ActorSystem.Settings"/>) and
    /// registers the stores it describes.
    /// </summary>
    public static PersistenceExtension Register(ActorSystem system, MessageTypeRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Register(system, PersistenceSettings.FromConfig(system.Settings), registry);
    }

    /// <summary>The system's persistence, or a clear error when none was registered.</summary>
    public static PersistenceExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetExtension<PersistenceExtension>() ?? throw new InvalidOperationException(
            $"Actor system '{system.Name}' has no persistence: call PersistenceExtension.Register(system, ...) at startup.");
    }
}
