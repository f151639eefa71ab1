using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ClusterLb.Runtime.Audit;

/// <summary>
/// Renders a node's Akka.Persistence configuration: the Akka.Persistence.Sql journal, snapshot store and read
/// journal on SQLite or PostgreSQL, with protobuf messages bound to Akka.Remote's protobuf serializer.
/// </summary>
public static partial class AuditPersistenceConfig
{
    /// <summary>The write journal plugin.</summary>
    public const string JournalPluginId = "akka.persistence.journal.sql";

    /// <summary>The snapshot store plugin.</summary>
    public const string SnapshotStorePluginId = "akka.persistence.snapshot-store.sql";

    /// <summary>The read journal plugin (Akka.Persistence.Query).</summary>
    public const string ReadJournalPluginId = "akka.persistence.query.journal.sql";

    /// <summary>linq2db's provider for Microsoft.Data.Sqlite.</summary>
    public const string SqliteProviderName = "SQLite.MS";

    /// <summary>linq2db's provider for Npgsql against PostgreSQL 15 or newer.</summary>
    public const string PostgresProviderName = "PostgreSQL.15";

    /// <summary>
    /// Persistence on the SQLite file <paramref name="path"/>, creating its directory when missing.
    /// </summary>
    /// <param name="path">The database file (made absolute against the current directory).</param>
    /// <param name="busyTimeout">How long a statement waits for another connection's write lock (whole seconds, at least 1).</param>
    /// <param name="options">Tables, batch sizes and circuit breakers.</param>
    /// <param name="createDirectory">Create the file's directory when missing (off when the config is only printed).</param>
    /// <exception cref="IOException">The directory cannot be created (the message names it).</exception>
    public static Config Sqlite(string path, TimeSpan? busyTimeout = null, AuditPersistenceOptions? options = null, bool createDirectory = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(file)!;
        try
        {
            if (createDirectory)
            {
                Directory.CreateDirectory(directory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the directory '{directory}' for the persistence database '{file}': {e.Message}", e);
        }

        var connection = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Microsoft.Data.Sqlite retries a busy database until the command timeout: that is SQLite's busy timeout.
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling((busyTimeout ?? TimeSpan.FromSeconds(5)).TotalSeconds)),
        };
        return Render(connection.ConnectionString, SqliteProviderName, schema: null, options ?? AuditPersistenceOptions.Default);
    }

    /// <summary>Persistence on PostgreSQL.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The schema holding the tables (it must exist); null or empty uses the connection's search path.</param>
    /// <param name="options">Tables, batch sizes and circuit breakers.</param>
    /// <exception cref="ArgumentException">The connection string does not parse, or the schema is not a plain identifier.</exception>
    public static Config Postgres(string connectionString, string? schema = null, AuditPersistenceOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        try
        {
            _ = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(connectionString), e);
        }

        return Render(connectionString, PostgresProviderName, string.IsNullOrEmpty(schema) ? null : schema, options ?? AuditPersistenceOptions.Default);
    }

    private static Config Render(string connectionString, string provider, string? schema, AuditPersistenceOptions options)
    {
        RequireIdentifier(schema, "schema");
        RequireIdentifier(options.JournalTable, nameof(options.JournalTable));
        RequireIdentifier(options.TagTable, nameof(options.TagTable));
        RequireIdentifier(options.SnapshotTable, nameof(options.SnapshotTable));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ReplayBatchSize, 1, nameof(options.ReplayBatchSize));

        var connection = $"""
                connection-string = {Quote(connectionString)}
                provider-name = {Quote(provider)}
            """;
        var schemaName = schema is null ? "null" : Quote(schema);
        var journalTables = $$"""
                default {
                  schema-name = {{schemaName}}
                  journal.table-name = {{Quote(options.JournalTable)}}
                  tag.table-name = {{Quote(options.TagTable)}}
                }
            """;
        var autoInitialize = options.AutoInitialize ? "on" : "off";

        var hocon = new StringBuilder().Append(CultureInfo.InvariantCulture, $$"""
            akka.persistence {
              journal {
                plugin = {{Quote(JournalPluginId)}}
                sql {
                  class = "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql"
            {{connection}}
                  auto-initialize = {{autoInitialize}}
                  batch-size = {{options.BatchSize}}
                  replay-batch-size = {{options.ReplayBatchSize}}
                  circuit-breaker {{{Breaker(options.JournalCircuitBreaker)}}}
            {{journalTables}}
                }
              }
              snapshot-store {
                plugin = {{Quote(SnapshotStorePluginId)}}
                sql {
                  class = "Akka.Persistence.Sql.Snapshot.SqlSnapshotStore, Akka.Persistence.Sql"
            {{connection}}
                  auto-initialize = {{autoInitialize}}
                  circuit-breaker {{{Breaker(options.SnapshotStoreCircuitBreaker)}}}
                  default {
                    schema-name = {{schemaName}}
                    snapshot.table-name = {{Quote(options.SnapshotTable)}}
                  }
                }
              }
              # The read journal has its own copy of the connection and table settings: the plugin's defaults are
              # resolved before this config is merged, so it does not follow the journal's.
              query.journal.sql {
                class = "Akka.Persistence.Sql.Query.SqlReadJournalProvider, Akka.Persistence.Sql"
                write-plugin = {{Quote(JournalPluginId)}}
            {{connection}}
                replay-batch-size = {{options.ReplayBatchSize}}
            {{journalTables}}
              }
            }
            # Akka.Remote binds protobuf messages to its ProtobufSerializer (id 2) only when remoting is loaded; bind
            # it here too so a system without remoting never falls back to JSON for the journal's events.
            akka.actor {
              serializers.proto = "Akka.Remote.Serialization.ProtobufSerializer, Akka.Remote"
              serialization-bindings { "Google.Protobuf.IMessage, Google.Protobuf" = proto }
              serialization-identifiers { "Akka.Remote.Serialization.ProtobufSerializer, Akka.Remote" = 2 }
            }
            """);
        return ConfigurationFactory.ParseString(hocon.ToString()).WithFallback(SqlPersistence.DefaultConfiguration);
    }

    private static string Breaker(PersistenceCircuitBreaker breaker)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(breaker.MaxFailures, 1, nameof(breaker.MaxFailures));
        return string.Create(
            CultureInfo.InvariantCulture,
            $" max-failures = {breaker.MaxFailures}, call-timeout = {Duration(breaker.CallTimeout)}, reset-timeout = {Duration(breaker.ResetTimeout)} ");
    }

    private static string Duration(TimeSpan value)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(value, TimeSpan.Zero);
        return string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(value.TotalMilliseconds)}ms");
    }

    // Table and schema names end up in SQL that the plugin builds; only plain identifiers are accepted.
    private static void RequireIdentifier(string? name, string what)
    {
        if (name is not null && !Identifier().IsMatch(name))
        {
            throw new ArgumentException($"The {what} name '{name}' is not a plain SQL identifier (letters, digits, underscore; not starting with a digit).", what);
        }
    }

    private static string Quote(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();
}
