using Akka.Configuration;
using ClusterLb.Runtime.Durable;

namespace ClusterLb.Runtime.Tests.Durable;

/// <summary>The durable section rendered by <see cref="SqlDurableStoreConfig"/> and read by <see cref="SqlDurableStoreSettings"/>.</summary>
public sealed class SqlDurableStoreSettingsTests
{
    private const string DurablePath = "akka.cluster.distributed-data.durable";

    [Fact]
    public void The_sqlite_helper_renders_keys_class_and_a_section_the_settings_read_back()
    {
        var config = SqlDurableStoreConfig.Sqlite("/var/lib/clusterlb/ddata.db", ["registry-*", "routes"], busyTimeout: TimeSpan.FromSeconds(2));

        Assert.Equal(["registry-*", "routes"], config.GetStringList($"{DurablePath}.keys"));
        Assert.Equal(SqlDurableStoreConfig.StoreActorClass, config.GetString($"{DurablePath}.store-actor-class"));
        Assert.NotNull(Type.GetType(SqlDurableStoreConfig.StoreActorClass));

        var settings = SqlDurableStoreSettings.FromConfig(config.GetConfig(DurablePath));
        Assert.Equal(SqlDurableProvider.Sqlite, settings.Provider);
        Assert.Equal("/var/lib/clusterlb/ddata.db", settings.SqlitePath);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.BusyTimeout);
        Assert.Equal("ddata_durable", settings.Table);
        Assert.Equal(TimeSpan.Zero, settings.WriteBehindInterval);
    }

    [Fact]
    public void The_postgres_helper_keeps_a_connection_string_with_quotes_and_semicolons_intact()
    {
        const string connectionString = "Host=db;Username=lb;Password=p\"a;ss\\word;Database=reg";
        var config = SqlDurableStoreConfig.Postgres(connectionString, "ddata", writeBehindInterval: TimeSpan.FromMilliseconds(250));

        var settings = SqlDurableStoreSettings.FromConfig(config.GetConfig(DurablePath));
        Assert.Equal(SqlDurableProvider.PostgreSql, settings.Provider);
        Assert.Equal(connectionString, settings.PostgresConnectionString);
        Assert.Equal("ddata", settings.PostgresSchema);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.WriteBehindInterval);
        Assert.Equal(["registry-*"], config.GetStringList($"{DurablePath}.keys"));
    }

    [Theory]
    [InlineData("sql { provider = mysql }", "durable.sql.provider")]
    [InlineData("sql { provider = sqlite }", "durable.sql.sqlite.path")]
    [InlineData("sql { provider = postgresql }", "durable.sql.postgresql.connection-string")]
    [InlineData("sql { provider = sqlite, sqlite.path = x.db, table = \"t; DROP TABLE x\" }", "durable.sql.table")]
    [InlineData("sql { provider = postgresql, postgresql { connection-string = \"Host=x\", schema = \"a.b\" } }", "durable.sql.postgresql.schema")]
    [InlineData("keys = [\"registry-*\"]", "durable.sql")]
    public void An_invalid_section_fails_naming_the_key(string hocon, string key)
    {
        var error = Assert.Throws<ConfigurationException>(() => SqlDurableStoreSettings.FromConfig(ConfigurationFactory.ParseString(hocon)));
        Assert.Contains(key, error.Message);
    }

    [Theory]
    [InlineData("off", 0)]
    [InlineData("200ms", 200)]
    [InlineData("1s", 1000)]
    public void Write_behind_is_off_or_a_duration(string value, int expectedMilliseconds)
    {
        var durable = ConfigurationFactory.ParseString($"sql {{ provider = sqlite, sqlite.path = x.db, write-behind-interval = {value} }}");
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), SqlDurableStoreSettings.FromConfig(durable).WriteBehindInterval);
    }
}
