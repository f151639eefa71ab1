using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Discovery;
using Akka.Hosting.Logging;
using Akka.Management.Cluster.Bootstrap;
using ClusterLb.Hocon;
using ClusterLb.Runtime.Security;
using Microsoft.Extensions.Logging;
using AkkaConfig = Akka.Configuration.Config;
using Config = ClusterLb.Hocon.Config;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Turns a resolved ClusterLb configuration into the Akka.NET configuration and <see cref="ActorSystemSetup"/> of
/// a node. Precedence, highest first: the user's own <c>akka { }</c> block (handed to Akka as written, so an Akka
/// user can set any key), then the persistence (audit journal) config mapped from <c>clusterlb.persistence</c>,
/// then the mapping of ClusterLb's other keys, then Akka's reference defaults.
/// </summary>
public static class AkkaNodeConfig
{
    /// <summary>Builds the node's Akka configuration, loading the TLS certificates when TLS is on.</summary>
    /// <param name="clusterlb">The resolved ClusterLb configuration (<see cref="ClusterLbConfigLoader.Load"/>).</param>
    /// <param name="dataDir">The node's data directory (<c>clusterlb.node.data-dir</c>); DData's SQLite file goes under it.</param>
    /// <param name="loggers">When given, Akka logs through it (LoggerFactoryLogger) and start-up warnings are logged to it.</param>
    /// <exception cref="HoconException">An invalid or removed key, a bad seed, or a TLS problem, positioned FILE:LINE:COL where known.</exception>
    /// <exception cref="IOException">The SQLite journal's directory cannot be created (the message names it).</exception>
    public static AkkaNodeSetup Build(Config clusterlb, string dataDir, ILoggerFactory? loggers = null)
    {
        // A start creates the SQLite journal's directory; Render only describes it.
        var mapped = Map(clusterlb, dataDir, useLoggerFactory: loggers is not null, PersistenceMapping.Map(clusterlb, dataDir, createDirectory: true));
        var log = loggers?.CreateLogger(typeof(AkkaNodeConfig).FullName!);
        foreach (var warning in mapped.Warnings)
        {
            log?.LogWarning("{Warning}", warning);
        }

        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(mapped.Config));
        if (mapped.TlsEnabled)
        {
            // Certificates live as long as the process: the transport presents them on every new connection.
            var certificates = NodeCertificates.Load(mapped.Tls);
            setup = setup.And(NodeTls.Setup(certificates, mapped.Tls.ValidateHostname));
        }
        if (loggers is not null)
        {
            setup = setup.And(new LoggerFactorySetup(loggers));
        }
        return new AkkaNodeSetup(mapped.SystemName, mapped.Config, setup, mapped.HasSeeds, mapped.TlsEnabled, mapped.Warnings) { JoinMethod = mapped.JoinMethod };
    }

    /// <summary>
    /// The complete Akka configuration of the node as text (<c>clusterlb config akka</c>). A stock Akka.NET node
    /// started from it (with another port, and a <c>DotNettySslSetup</c> trusting the cluster CA when TLS is on)
    /// joins the same cluster. Certificates are not read, so the text can be printed where they are absent.
    /// </summary>
    /// <param name="clusterlb">The resolved ClusterLb configuration.</param>
    /// <param name="dataDir">The node's data directory.</param>
    /// <param name="format">HOCON (with a comment header) or JSON.</param>
    /// <param name="showSecrets">Print passwords and connection strings instead of masking them.</param>
    public static string Render(Config clusterlb, string dataDir, AkkaConfigFormat format = AkkaConfigFormat.Hocon, bool showSecrets = false)
    {
        var mapped = Map(clusterlb, dataDir, useLoggerFactory: false, PersistenceMapping.Map(clusterlb, dataDir, createDirectory: false));
        var header =
            $"Akka.NET configuration of a ClusterLb node: start it as ActorSystem.Create(\"{mapped.SystemName}\", config).\n" +
            "Precedence: the file's akka { } block, then the persistence config, then ClusterLb's mapped keys, then Akka's defaults.\n" +
            (mapped.TlsEnabled
                ? $"TLS: the node certificate ({mapped.Tls.CertificatePath}) and the cluster CA ({mapped.Tls.CaPath}) are given in code\n" +
                  "(DotNettySslSetup with a validator trusting only that CA): no HOCON key can trust a private CA."
                : "TLS: off.");
        return AkkaConfigWriter.Write(mapped.Config, format, showSecrets, header);
    }

    /// <summary>The mapping without loading certificates (shared by <see cref="Build"/> and <see cref="Render"/>).</summary>
    internal static MappedAkkaConfig Map(Config clusterlb, string dataDir, bool useLoggerFactory, AkkaConfig? persistence)
    {
        ArgumentNullException.ThrowIfNull(clusterlb);
        ArgumentNullException.ThrowIfNull(dataDir);
        RemovedKeys.Refuse(clusterlb);

        var systemName = SystemName(clusterlb);
        var tls = ClusterTlsSettings.Read(clusterlb);
        var seeds = SeedNodes.Read(clusterlb, systemName, tls.Enabled);
        var userAkka = UserAkka(clusterlb);
        var akkaSeeds = userAkka.GetStringList("akka.cluster.seed-nodes", []).Count;
        var join = DiscoveryMapping.Method(clusterlb);
        DiscoveryMapping.RefuseSeeds(clusterlb, join, seeds.Count, akkaSeeds);
        // A node that bootstraps joins a cluster just as a seeded one does, so the same TLS rules apply.
        var joinsCluster = seeds.Count > 0 || akkaSeeds > 0 || join != ClusterJoinMethod.Seeds;
        var (tlsOn, warning) = ClusterTlsPolicy.Decide(tls, joinsCluster, clusterlb.GetString("clusterlb.cluster.hostname", "127.0.0.1").Trim());

        var tree = new AkkaConfigTree();
        RemoteMapping.Map(clusterlb, tree, tlsOn, tls.ValidateHostname);
        ClusterMapping.Map(clusterlb, tree, seeds);
        DistributedDataMapping.Map(clusterlb, tree, dataDir);
        ActorMapping.Map(clusterlb, tree, useLoggerFactory);
        if (join != ClusterJoinMethod.Seeds)
        {
            DiscoveryMapping.Map(clusterlb, tree, join, systemName);
        }
        var mapped = Layer(ConfigurationFactory.ParseString(tree.ToJson()), BootstrapDefaults(join));

        var config = Layer(Layer(userAkka, persistence), mapped);
        return new MappedAkkaConfig(systemName, config, config.GetStringList("akka.cluster.seed-nodes", []).Count > 0, join, tlsOn, tls,
            warning is null ? [] : [warning]);
    }

    // The bootstrap's own reference configs (Akka.Management's and Akka.Discovery's), so the node's config and
    // `clusterlb config akka` are complete without waiting for the extensions to inject them.
    private static AkkaConfig? BootstrapDefaults(ClusterJoinMethod join) =>
        join == ClusterJoinMethod.Seeds ? null : ClusterBootstrap.DefaultConfiguration().WithFallback(DiscoveryProvider.DefaultConfiguration());

    // Akka refuses Empty.WithFallback(Empty) ("itself as fallback"), so empty layers are skipped.
    private static AkkaConfig Layer(AkkaConfig over, AkkaConfig? under) =>
        under is null || under.IsEmpty ? over : over.IsEmpty ? under : over.WithFallback(under);

    private static string SystemName(Config clusterlb)
    {
        const string Key = "clusterlb.cluster.system-name";
        var name = clusterlb.GetString(Key, "clusterlb").Trim();
        // Akka's rule for system names; a name it rejects would otherwise fail inside ActorSystem.Create.
        var valid = name.Length > 0 && char.IsAsciiLetterOrDigit(name[0]) && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_');
        if (!valid)
        {
            throw new HoconException(ClusterLbValues.OriginOf(clusterlb, Key), $"{Key} = \"{name}\": use letters, digits, '-' and '_', starting with a letter or digit");
        }
        return name;
    }

    // The akka { } block as written by the user, handed to Akka through JSON (ConfigurationFactory reads JSON).
    private static AkkaConfig UserAkka(Config clusterlb)
    {
        if (clusterlb.GetValue("akka") is not HoconObject)
        {
            return AkkaConfig.Empty;
        }
        return ConfigurationFactory.ParseString("{ \"akka\": " + clusterlb.GetConfig("akka").ToJson() + " }");
    }
}

/// <summary>The mapped configuration and the decisions made on the way.</summary>
internal sealed record MappedAkkaConfig(string SystemName, AkkaConfig Config, bool HasSeeds, ClusterJoinMethod JoinMethod, bool TlsEnabled, ClusterTlsSettings Tls, IReadOnlyList<string> Warnings);
