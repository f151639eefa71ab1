using ClusterLb.Hocon;
using ClusterLb.Persistence.Resilience;

namespace ClusterLb.Persistence.Tests.Configuration;

public sealed class PersistenceSettingsTests
{
    private static Config Load(string user, IReadOnlyDictionary<string, string>? environment = null)
    {
        var reference = ConfigFactory.ParseFile(Path.Combine(RepoRoot(), "hocon", "reference.conf"));
        return ConfigFactory.ParseString(user, "test.conf")
            .WithFallback(reference)
            .Resolve(new HoconResolveOptions { EnvironmentLookup = name => environment?.GetValueOrDefault(name) });
    }

    [Fact]
    public void Reference_conf_defaults_match_the_code_defaults()
    {
        var settings = PersistenceSettings.FromConfig(Load("clusterlb.node.data-dir = /var/lib/clb"));

        Assert.Equal(new PersistenceSettings() with { SqlitePath = "/var/lib/clb/persistence/clusterlb.db" }, settings);
        Assert.Equal(CircuitBreakerSettings.Default, settings.JournalCircuitBreaker);
    }

    [Fact]
    public void The_environment_variable_overrides_the_postgres_connection_string()
    {
        var settings = PersistenceSettings.FromConfig(Load(
            "clusterlb.persistence.provider = postgresql",
            new Dictionary<string, string> { ["CLUSTERLB_POSTGRES"] = "Host=db;Database=x" }));

        Assert.Equal(PersistenceProvider.PostgreSql, settings.Provider);
        Assert.Equal("Host=db;Database=x", settings.PostgresConnectionString);
    }

    [Fact]
    public void Every_key_is_read()
    {
        var settings = PersistenceSettings.FromConfig(Load("""
            clusterlb.node.data-dir = /srv/node1
            clusterlb.persistence {
              provider = postgresql
              auto-initialize = off
              sqlite { path = "db/events.sqlite", busy-timeout = 2s, synchronous = normal }
              postgresql { connection-string = "Host=h", schema = lb }
              tables { journal = ev, tags = tg, snapshot = snap }
              journal { batch-size = 7, replay-batch-size = 9, circuit-breaker { max-failures = 3, call-timeout = 1s, reset-timeout = 4s } }
              snapshot-store.circuit-breaker { max-failures = 2, call-timeout = 3s, reset-timeout = 5s }
            }
            """));

        Assert.Equal(PersistenceProvider.PostgreSql, settings.Provider);
        Assert.False(settings.Store.AutoInitialize);
        Assert.Equal("/srv/node1/db/events.sqlite", settings.SqlitePath);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.SqliteBusyTimeout);
        Assert.Equal("normal", settings.SqliteSynchronous);
        Assert.Equal("Host=h", settings.PostgresConnectionString);
        Assert.Equal(new Sql.TableNames("ev", "tg", "snap", "lb"), settings.Tables);
        Assert.Equal(new Sql.SqlStoreOptions(false, 7, 9), settings.Store);
        Assert.Equal(new CircuitBreakerSettings(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4)), settings.JournalCircuitBreaker);
        Assert.Equal(new CircuitBreakerSettings(2, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)), settings.SnapshotCircuitBreaker);
    }

    [Theory]
    [InlineData("clusterlb.persistence.provider = mysql", "provider", "unknown provider 'mysql'")]
    [InlineData("clusterlb.persistence.journal.batch-size = 0", "journal.batch-size", "at least 1")]
    [InlineData("clusterlb.persistence.journal.circuit-breaker.call-timeout = 0s", "journal.circuit-breaker.call-timeout", "positive")]
    [InlineData("clusterlb.persistence.sqlite.synchronous = off", "sqlite.synchronous", "unknown mode 'off'")]
    [InlineData("clusterlb.persistence.tables.journal = \"drop table\"", "tables.journal", "invalid name 'drop table'")]
    [InlineData("clusterlb.persistence.provider = postgresql", "provider", "connection-string is empty")]
    public void A_bad_value_names_the_key_and_its_position(string user, string key, string reason)
    {
        var error = Assert.Throws<HoconException>(() => PersistenceSettings.FromConfig(Load(user)));

        Assert.Contains($"clusterlb.persistence.{key}", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Equal(1, error.Line);
    }

    [Fact]
    public void A_config_without_the_section_gets_the_defaults()
    {
        var settings = PersistenceSettings.FromConfig(ConfigFactory.ParseString("a = 1").Resolve());

        Assert.Equal(PersistenceProvider.Sqlite, settings.Provider);
        Assert.Equal(Path.GetFullPath(".data/persistence/clusterlb.db"), settings.SqlitePath);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClusterLb.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ClusterLb.slnx not found above " + AppContext.BaseDirectory);
    }
}
