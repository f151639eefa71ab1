using ClusterLb.Hocon;
using ClusterLb.Persistence.Resilience;
using ClusterLb.Persistence.Sql;

namespace ClusterLb.Persistence;

public sealed partial record PersistenceSettings
{
    /// <summary>The section this layer reads.</summary>
    public const string Section = "clusterlb.persistence";

    /// <summary>
    /// Reads <c>clusterlb.persistence</c> from a resolved root configuration; absent keys keep their defaults. The
    /// SQLite path comes back absolute, resolved against <c>clusterlb.node.data-dir</c> (default <c>.data</c>).
    /// A bad value fails with a <see cref="HoconException"/> naming the key, file, line and column.
    /// </summary>
    public static PersistenceSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new PersistenceSettings();
        var dataDirectory = config.GetString("clusterlb.node.data-dir", ".data");
        if (!config.HasPath(Section))
        {
            return defaults with { SqlitePath = defaults.ResolveSqlitePath(dataDirectory) };
        }

        var c = config.GetConfig(Section);
        var provider = c.GetString("provider", "sqlite").ToLowerInvariant() switch
        {
            "sqlite" => PersistenceProvider.Sqlite,
            "postgresql" or "postgres" => PersistenceProvider.PostgreSql,
            var other => throw Invalid(c, "provider", $"unknown provider '{other}': use sqlite or postgresql"),
        };

        var synchronous = c.GetString("sqlite.synchronous", defaults.SqliteSynchronous).ToLowerInvariant();
        if (synchronous is not ("full" or "normal" or "extra"))
        {
            throw Invalid(c, "sqlite.synchronous", $"unknown mode '{synchronous}': use full, normal or extra");
        }

        var schema = c.GetString("postgresql.schema", string.Empty);
        var tables = new TableNames(
            TableName(c, "tables.journal", TableNames.Default.Journal),
            TableName(c, "tables.tags", TableNames.Default.Tags),
            TableName(c, "tables.snapshot", TableNames.Default.Snapshot),
            provider == PersistenceProvider.PostgreSql && schema.Length > 0 ? TableName(c, "postgresql.schema", schema) : null);

        var settings = defaults with
        {
            Provider = provider,
            SqlitePath = c.GetString("sqlite.path", defaults.SqlitePath),
            SqliteBusyTimeout = c.GetDuration("sqlite.busy-timeout", defaults.SqliteBusyTimeout),
            SqliteSynchronous = synchronous,
            PostgresConnectionString = c.GetString("postgresql.connection-string", string.Empty),
            Tables = tables,
            Store = new SqlStoreOptions(
                c.GetBool("auto-initialize", defaults.Store.AutoInitialize),
                Positive(c, "journal.batch-size", defaults.Store.BatchSize),
                Positive(c, "journal.replay-batch-size", defaults.Store.ReplayBatchSize)),
            JournalCircuitBreaker = Breaker(c, "journal.circuit-breaker", defaults.JournalCircuitBreaker),
            SnapshotCircuitBreaker = Breaker(c, "snapshot-store.circuit-breaker", defaults.SnapshotCircuitBreaker),
        };

        if (provider == PersistenceProvider.PostgreSql && string.IsNullOrWhiteSpace(settings.PostgresConnectionString))
        {
            throw Invalid(c, "provider",
                "provider is postgresql but postgresql.connection-string is empty (set it, or the CLUSTERLB_POSTGRES environment variable)");
        }

        return settings with { SqlitePath = settings.ResolveSqlitePath(dataDirectory) };
    }

    private static string TableName(Config c, string path, string fallback)
    {
        var value = c.GetString(path, fallback);
        try
        {
            new TableNames(Journal: value).Validate();
            return value;
        }
        catch (ArgumentException)
        {
            throw Invalid(c, path, $"invalid name '{value}': use 1-63 ASCII letters, digits or underscores");
        }
    }

    private static CircuitBreakerSettings Breaker(Config c, string path, CircuitBreakerSettings fallback) => new(
        Positive(c, path + ".max-failures", fallback.MaxFailures),
        PositiveDuration(c, path + ".call-timeout", fallback.CallTimeout),
        PositiveDuration(c, path + ".reset-timeout", fallback.ResetTimeout));

    private static int Positive(Config c, string path, int fallback)
    {
        var value = c.GetInt(path, fallback);
        return value >= 1 ? value : throw Invalid(c, path, $"must be at least 1, got {value}");
    }

    private static TimeSpan PositiveDuration(Config c, string path, TimeSpan fallback)
    {
        var value = c.GetDuration(path, fallback);
        return value > TimeSpan.Zero ? value : throw Invalid(c, path, $"must be a positive duration, got {value}");
    }

    private static HoconException Invalid(Config c, string path, string message)
    {
        var key = $"{Section}.{path}";
        return c.GetValue(path) is { } value
            ? new HoconException(value.Origin, $"'{key}': {message}")
            : new HoconException($"'{key}': {message}");
    }
}
