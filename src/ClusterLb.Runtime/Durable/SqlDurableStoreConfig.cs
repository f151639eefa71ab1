using System.Globalization;
using System.Text;
using Akka.Configuration;

namespace ClusterLb.Runtime.Durable;

/// <summary>
/// Renders the <c>akka.cluster.distributed-data.durable</c> section that selects <see cref="SqlDurableStore"/>, so a
/// node's config builder or a test sets the store up in one line:
/// <c>SqlDurableStoreConfig.Sqlite("/var/lib/clusterlb/ddata.db").WithFallback(rest)</c>.
/// </summary>
public static class SqlDurableStoreConfig
{
    /// <summary>The value of <c>durable.store-actor-class</c> for this store.</summary>
    public const string StoreActorClass = "ClusterLb.Runtime.Durable.SqlDurableStore, ClusterLb.Runtime";

    /// <summary>The registry's durable keys, used when no keys are given.</summary>
    public static readonly IReadOnlyList<string> DefaultKeys = ["registry-*"];

    /// <summary>A durable section storing <paramref name="keys"/> in the SQLite file at <paramref name="path"/>.</summary>
    /// <param name="path">The database file; relative paths resolve against the current directory, missing directories are created.</param>
    /// <param name="keys">Durable keys (a trailing <c>*</c> matches a prefix); <see cref="DefaultKeys"/> when null.</param>
    /// <param name="table">The table name.</param>
    /// <param name="busyTimeout">How long a write waits for another connection's lock; 5 s when null.</param>
    /// <param name="writeBehindInterval">Batching interval; null or zero writes each update before acknowledging it.</param>
    public static Config Sqlite(
        string path,
        IEnumerable<string>? keys = null,
        string table = SqlDurableStoreSettings.DefaultTable,
        TimeSpan? busyTimeout = null,
        TimeSpan? writeBehindInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var provider =
            $"provider = sqlite\nsqlite {{\n  path = {Quote(Path.GetFullPath(path))}\n  " +
            $"busy-timeout = {Duration(busyTimeout ?? SqlDurableStoreSettings.DefaultBusyTimeout)}\n}}";
        return Render(keys, provider, table, writeBehindInterval);
    }

    /// <summary>A durable section storing <paramref name="keys"/> in PostgreSQL.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="schema">The table's schema, created if missing; empty uses the connection's search path.</param>
    /// <param name="keys">Durable keys (a trailing <c>*</c> matches a prefix); <see cref="DefaultKeys"/> when null.</param>
    /// <param name="table">The table name.</param>
    /// <param name="writeBehindInterval">Batching interval; null or zero writes each update before acknowledging it.</param>
    public static Config Postgres(
        string connectionString,
        string schema = "",
        IEnumerable<string>? keys = null,
        string table = SqlDurableStoreSettings.DefaultTable,
        TimeSpan? writeBehindInterval = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var provider =
            $"provider = postgresql\npostgresql {{\n  connection-string = {Quote(connectionString)}\n  schema = {Quote(schema)}\n}}";
        return Render(keys, provider, table, writeBehindInterval);
    }

    private static Config Render(IEnumerable<string>? keys, string provider, string table, TimeSpan? writeBehindInterval)
    {
        var writeBehind = writeBehindInterval is { } interval && interval > TimeSpan.Zero ? Duration(interval) : "off";
        var hocon = new StringBuilder()
            .Append("akka.cluster.distributed-data.durable {\n")
            .Append("keys = [").AppendJoin(", ", (keys ?? DefaultKeys).Select(Quote)).Append("]\n")
            .Append("store-actor-class = ").Append(Quote(StoreActorClass)).Append('\n')
            .Append("sql {\n")
            .Append(provider).Append('\n')
            .Append("table = ").Append(Quote(table)).Append('\n')
            .Append("write-behind-interval = ").Append(writeBehind).Append('\n')
            .Append("}\n}\n");
        return ConfigurationFactory.ParseString(hocon.ToString());
    }

    private static string Duration(TimeSpan value) =>
        ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";

    /// <summary>A HOCON quoted string (JSON's rules), so paths and connection strings keep ';', '=', '\' and quotes.</summary>
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => quoted.Append("\\\""),
                '\\' => quoted.Append("\\\\"),
                '\n' => quoted.Append("\\n"),
                '\r' => quoted.Append("\\r"),
                '\t' => quoted.Append("\\t"),
                < ' ' => quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => quoted.Append(c),
            };
        }

        return quoted.Append('"').ToString();
    }
}
