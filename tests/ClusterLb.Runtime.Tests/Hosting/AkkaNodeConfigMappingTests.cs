using Akka.Configuration;
using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Each ClusterLb key lands on its Akka key; the user's akka { } block wins.</summary>
public sealed class AkkaNodeConfigMappingTests : IDisposable
{
    private readonly TestConfig _files = new();

    public void Dispose() => _files.Dispose();

    private Akka.Configuration.Config Map(string hocon) =>
        AkkaNodeConfig.Map(_files.Load(hocon), _files.DataDir, useLoggerFactory: false, persistence: null).Config;

    [Fact]
    public void A_single_node_with_defaults_is_a_cluster_member_on_loopback_without_seeds_or_tls()
    {
        var mapped = AkkaNodeConfig.Map(_files.Load(""), _files.DataDir, false, null);
        var c = mapped.Config;
        Assert.Equal("clusterlb", mapped.SystemName);
        Assert.False(mapped.HasSeeds);
        Assert.False(mapped.TlsEnabled);
        Assert.Equal("cluster", c.GetString("akka.actor.provider"));
        Assert.Equal("127.0.0.1", c.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal(4053, c.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.False(c.GetBoolean("akka.remote.dot-netty.tcp.enable-ssl"));
        Assert.Empty(c.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster", c.GetString("akka.cluster.downing-provider-class"));
        Assert.Equal("keep-majority", c.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Empty(mapped.Warnings);
    }

    [Fact]
    public void Cluster_keys_land_on_akka_cluster()
    {
        var c = Map("""
            clusterlb.cluster {
              roles = [lb, edge]
              app-version = "1.2.3"
              min-nr-of-members = 2
              role { lb.min-nr-of-members = 2 }
              gossip-interval = 700ms
              gossip-time-to-live = 3s
              leader-actions-interval = 2s
              seed-node-timeout = 6s
              retry-unsuccessful-join-after = off
              allow-weakly-up-members = 9s
              down-removal-margin = 20s
              prune-gossip-tombstones-after = 12h
              run-coordinated-shutdown-when-down = off
              failure-detector { threshold = 12.5, acceptable-heartbeat-pause = 7s, heartbeat-interval = 2s, monitored-by-nr-of-members = 4, min-std-deviation = 200ms, max-sample-size = 500, expected-response-after = 3s }
              singleton.hand-over-retry-interval = 2s
            }
            """);
        // clusterlb is always there, first: the registry, the mediator and the discovery singleton run on it.
        Assert.Equal(["clusterlb", "lb", "edge"], c.GetStringList("akka.cluster.roles"));
        Assert.Equal("clusterlb", c.GetString("akka.cluster.pub-sub.role"));
        Assert.Equal("clusterlb", c.GetString("akka.cluster.distributed-data.role"));
        Assert.Equal("1.2.3", c.GetString("akka.cluster.app-version"));
        Assert.Equal(2, c.GetInt("akka.cluster.min-nr-of-members"));
        Assert.Equal(2, c.GetInt("akka.cluster.role.lb.min-nr-of-members"));
        Assert.Equal(TimeSpan.FromMilliseconds(700), c.GetTimeSpan("akka.cluster.gossip-interval"));
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan("akka.cluster.gossip-time-to-live"));
        Assert.Equal(TimeSpan.FromSeconds(2), c.GetTimeSpan("akka.cluster.leader-actions-interval"));
        Assert.Equal(TimeSpan.FromSeconds(6), c.GetTimeSpan("akka.cluster.seed-node-timeout"));
        Assert.Equal("off", c.GetString("akka.cluster.retry-unsuccessful-join-after"));
        Assert.Equal(TimeSpan.FromSeconds(9), c.GetTimeSpan("akka.cluster.allow-weakly-up-members"));
        Assert.Equal(TimeSpan.FromSeconds(20), c.GetTimeSpan("akka.cluster.down-removal-margin"));
        Assert.Equal(TimeSpan.FromHours(12), c.GetTimeSpan("akka.cluster.prune-gossip-tombstones-after"));
        Assert.False(c.GetBoolean("akka.cluster.run-coordinated-shutdown-when-down"));
        Assert.Equal(12.5, c.GetDouble("akka.cluster.failure-detector.threshold"));
        Assert.Equal(TimeSpan.FromSeconds(7), c.GetTimeSpan("akka.cluster.failure-detector.acceptable-heartbeat-pause"));
        Assert.Equal(TimeSpan.FromSeconds(2), c.GetTimeSpan("akka.cluster.failure-detector.heartbeat-interval"));
        Assert.Equal(4, c.GetInt("akka.cluster.failure-detector.monitored-by-nr-of-members"));
        Assert.Equal(TimeSpan.FromMilliseconds(200), c.GetTimeSpan("akka.cluster.failure-detector.min-std-deviation"));
        Assert.Equal(500, c.GetInt("akka.cluster.failure-detector.max-sample-size"));
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan("akka.cluster.failure-detector.expected-response-after"));
        Assert.Equal(TimeSpan.FromSeconds(2), c.GetTimeSpan("akka.cluster.singleton.hand-over-retry-interval"));
    }

    [Fact]
    public void Remote_keys_land_on_akka_remote_and_the_docker_pattern_binds_all_interfaces_with_a_public_name()
    {
        var c = Map("""
            clusterlb.cluster { hostname = "0.0.0.0", public-hostname = lb1, port = 5000, public-port = 15000, tls.enabled = off }
            clusterlb.remote { maximum-frame-size = 256 KiB, handshake-timeout = 20s, retry-gate-closed-for = 1s, system-message-resend-interval = 3s, system-message-buffer-size = 5000 }
            """);
        Assert.Equal("0.0.0.0", c.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("lb1", c.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(5000, c.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(15000, c.GetInt("akka.remote.dot-netty.tcp.public-port"));
        Assert.Equal(262144L, c.GetByteSize("akka.remote.dot-netty.tcp.maximum-frame-size"));
        Assert.Equal(TimeSpan.FromSeconds(20), c.GetTimeSpan("akka.remote.handshake-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(1), c.GetTimeSpan("akka.remote.retry-gate-closed-for"));
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan("akka.remote.resend-interval"));
        Assert.Equal(5000, c.GetInt("akka.remote.system-message-buffer-size"));
    }

    [Fact]
    public void Binding_all_interfaces_without_a_public_hostname_is_refused_with_its_position()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster {\n  tls.enabled = off\n  hostname = \"0.0.0.0\"\n}\n"));
        Assert.Equal(_files.File, e.File);
        Assert.Equal(3, e.Line);
        Assert.Contains("public-hostname", e.Message);
    }

    [Theory]
    [InlineData("static-quorum", "static-quorum { quorum-size = 3, role = lb }")]
    [InlineData("keep-oldest", "keep-oldest { down-if-alone = off, role = lb }")]
    [InlineData("down-all", "")]
    [InlineData("lease-majority", "lease-majority { lease-implementation = \"akka.coordination.lease.test\", lease-name = sbr, acquire-lease-delay-for-minority = 3s, release-after = 30s }")]
    public void Each_split_brain_strategy_is_selectable_with_its_options(string strategy, string options)
    {
        var c = Map($"clusterlb.cluster.split-brain-resolver {{ active-strategy = {strategy}, stable-after = 7s, down-all-when-unstable = off\n{options} }}");
        const string Sbr = "akka.cluster.split-brain-resolver.";
        Assert.Equal(strategy, c.GetString(Sbr + "active-strategy"));
        Assert.Equal(TimeSpan.FromSeconds(7), c.GetTimeSpan(Sbr + "stable-after"));
        Assert.Equal("off", c.GetString(Sbr + "down-all-when-unstable"));
        switch (strategy)
        {
            case "static-quorum":
                Assert.Equal(3, c.GetInt(Sbr + "static-quorum.quorum-size"));
                Assert.Equal("lb", c.GetString(Sbr + "static-quorum.role"));
                break;
            case "keep-oldest":
                Assert.False(c.GetBoolean(Sbr + "keep-oldest.down-if-alone"));
                Assert.Equal("lb", c.GetString(Sbr + "keep-oldest.role"));
                break;
            case "lease-majority":
                Assert.Equal("akka.coordination.lease.test", c.GetString(Sbr + "lease-majority.lease-implementation"));
                Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan(Sbr + "lease-majority.acquire-lease-delay-for-minority"));
                Assert.Equal(TimeSpan.FromSeconds(30), c.GetTimeSpan(Sbr + "lease-majority.release-after"));
                break;
        }
    }

    [Fact]
    public void Static_quorum_without_a_quorum_size_is_refused()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster.split-brain-resolver.active-strategy = static-quorum\n"));
        Assert.Contains("quorum-size", e.Message);
    }

    [Fact]
    public void Distributed_data_uses_the_sql_durable_store_in_sqlite_under_the_data_dir_by_default()
    {
        var c = Map("clusterlb.distributed-data { gossip-interval = 3s, notify-subscribers-interval = 100ms, max-delta-elements = 200, pruning-interval = 60s, durable.keys = [\"a-*\"] }\n");
        const string D = "akka.cluster.distributed-data.";
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan(D + "gossip-interval"));
        Assert.Equal(TimeSpan.FromMilliseconds(100), c.GetTimeSpan(D + "notify-subscribers-interval"));
        Assert.Equal(200, c.GetInt(D + "max-delta-elements"));
        Assert.Equal(TimeSpan.FromSeconds(60), c.GetTimeSpan(D + "pruning-interval"));
        Assert.Equal(["a-*"], c.GetStringList(D + "durable.keys"));
        Assert.Equal("ClusterLb.Runtime.Durable.SqlDurableStore, ClusterLb.Runtime", c.GetString(D + "durable.store-actor-class"));
        Assert.Equal("sqlite", c.GetString(D + "durable.sql.provider"));
        Assert.Equal(Path.GetFullPath(Path.Combine(_files.DataDir, "ddata", "registry.db")), c.GetString(D + "durable.sql.sqlite.path"));
        Assert.Equal(TimeSpan.FromSeconds(5), c.GetTimeSpan(D + "durable.sql.sqlite.busy-timeout"));
        Assert.Equal("ddata_durable", c.GetString(D + "durable.sql.table"));
    }

    [Fact]
    public void Distributed_data_follows_persistence_onto_postgresql()
    {
        var c = Map("clusterlb.node.name = \"LB-1\"\nclusterlb.persistence { provider = postgresql, postgresql { connection-string = \"Host=db;Username=u;Password=p\", schema = lb } }\n");
        const string D = "akka.cluster.distributed-data.durable.sql.";
        Assert.Equal("postgresql", c.GetString(D + "provider"));
        // Nodes share the database, never a table: the store keys rows by DData key alone.
        Assert.Equal("ddata_durable_lb_1", c.GetString(D + "table"));
        Assert.Equal("Host=db;Username=u;Password=p", c.GetString(D + "postgresql.connection-string"));
        Assert.Equal("lb", c.GetString(D + "postgresql.schema"));
        Assert.False(c.HasPath(D + "sqlite.path"));
    }

    [Fact]
    public void Actor_keys_land_on_the_dispatcher_logging_and_coordinated_shutdown()
    {
        var c = Map("""
            clusterlb.actor {
              throughput = 7
              loglevel = warn
              dead-letters { log-limit = 3, log-interval = 1m }
              coordinated-shutdown { default-phase-timeout = 8s, run-by-clr-shutdown-hook = off, phases.service-unbind.timeout = 4s }
            }
            """);
        Assert.Equal(7, c.GetInt("akka.actor.default-dispatcher.throughput"));
        Assert.Equal("WARNING", c.GetString("akka.loglevel"));
        Assert.Equal(3, c.GetInt("akka.log-dead-letters"));
        Assert.Equal(TimeSpan.FromMinutes(1), c.GetTimeSpan("akka.log-dead-letters-suspend-duration"));
        Assert.Equal(TimeSpan.FromSeconds(8), c.GetTimeSpan("akka.coordinated-shutdown.default-phase-timeout"));
        Assert.False(c.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook"));
        Assert.Equal(TimeSpan.FromSeconds(4), c.GetTimeSpan("akka.coordinated-shutdown.phases.service-unbind.timeout"));
        Assert.Equal(TimeSpan.FromSeconds(10), c.GetTimeSpan("akka.coordinated-shutdown.phases.cluster-exiting.timeout"));
    }

    [Fact]
    public void An_unknown_shutdown_phase_is_refused_with_its_position()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.actor.coordinated-shutdown.phases {\n  no-such-phase.timeout = 1s\n}\n"));
        Assert.Equal(2, e.Line);
        Assert.Contains("no-such-phase", e.Message);
    }

    [Fact]
    public void The_logger_factory_logger_is_configured_only_when_a_logger_factory_is_given()
    {
        var config = _files.Load("");
        Assert.Equal(["Akka.Hosting.Logging.LoggerFactoryLogger, Akka.Hosting"],
            AkkaNodeConfig.Map(config, _files.DataDir, useLoggerFactory: true, null).Config.GetStringList("akka.loggers"));
        Assert.False(AkkaNodeConfig.Map(config, _files.DataDir, useLoggerFactory: false, null).Config.HasPath("akka.loggers"));
    }

    [Fact]
    public void The_users_akka_block_wins_over_the_mapping_and_reaches_akka_as_written()
    {
        var c = Map("""
            clusterlb.cluster { port = 5000, gossip-interval = 1s }
            akka {
              remote.dot-netty.tcp.port = 6000
              cluster.gossip-interval = 250ms
              remote.dot-netty.tcp.batching.enabled = false
              actor.serialize-messages = on
            }
            """);
        Assert.Equal(6000, c.GetInt("akka.remote.dot-netty.tcp.port"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), c.GetTimeSpan("akka.cluster.gossip-interval"));
        Assert.False(c.GetBoolean("akka.remote.dot-netty.tcp.batching.enabled"));
        Assert.True(c.GetBoolean("akka.actor.serialize-messages"));
        // Keys the block does not name still come from the mapping.
        Assert.Equal("cluster", c.GetString("akka.actor.provider"));
    }

    [Fact]
    public void The_persistence_config_sits_between_the_users_akka_block_and_the_mapping()
    {
        var persistence = ConfigurationFactory.ParseString("""
            akka.persistence.journal.plugin = "akka.persistence.journal.sql"
            akka.persistence.journal.sql.connection-string = "from-helper"
            akka.cluster.gossip-interval = 3s
            """);
        var config = _files.Load("akka.persistence.journal.sql.connection-string = \"from-user\"\n");
        var c = AkkaNodeConfig.Map(config, _files.DataDir, false, persistence).Config;
        Assert.Equal("akka.persistence.journal.sql", c.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("from-user", c.GetString("akka.persistence.journal.sql.connection-string"));
        Assert.Equal(TimeSpan.FromSeconds(3), c.GetTimeSpan("akka.cluster.gossip-interval"));
    }

    [Fact]
    public void Persistence_parameters_are_plain_values_with_absolute_paths()
    {
        var p = PersistenceParameters.FromConfig(_files.Load("clusterlb.persistence { sqlite.path = \"j/x.db\", tables.journal = events }\n"), _files.DataDir);
        Assert.Equal("sqlite", p.Provider);
        Assert.Equal(Path.GetFullPath(Path.Combine(_files.DataDir, "j", "x.db")), p.SqlitePath);
        Assert.Equal("events", p.JournalTable);
        Assert.True(p.AutoInitialize);
    }

    [Fact]
    public void An_invalid_system_name_is_refused_with_its_position()
    {
        var e = Assert.Throws<HoconException>(() => Map("clusterlb.cluster.system-name = \"my system\"\n"));
        Assert.Equal(1, e.Line);
    }

    [Fact]
    public async Task Build_returns_a_setup_that_starts_a_self_joinable_node()
    {
        var config = _files.Load("clusterlb.cluster.port = 0\n");
        var (akka, setup, hasSeeds) = AkkaNodeConfig.Build(config, _files.DataDir);
        Assert.False(hasSeeds);
        Assert.Equal("cluster", akka.GetString("akka.actor.provider"));
        using var system = Akka.Actor.ActorSystem.Create("clusterlb", setup);
        Assert.Equal("akka.tcp", Akka.Cluster.Cluster.Get(system).SelfAddress.Protocol);
        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }
}
