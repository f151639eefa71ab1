using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using ClusterLb.Hocon;
using ClusterLb.Runtime.Hosting;
using ClusterLb.Runtime.Security;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>
/// Two ClusterLb nodes (A self-joined, B seeded with A) on loopback ports the OS picks, with certificates from one
/// CA, formed into a cluster over akka.ssl.tcp. Other nodes in the tests try to join it.
/// </summary>
public sealed class TlsClusterFixture : IAsyncLifetime
{
    internal static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestConfig _files = new();
    private readonly List<ActorSystem> _systems = [];

    public string Dir => _files.Dir;

    public string ClusterCa => Path.Combine(Dir, "ca1");

    public string ForeignCa => Path.Combine(Dir, "ca2");

    public ActorSystem A { get; private set; } = null!;

    public ActorSystem B { get; private set; } = null!;

    internal RecordingLoggerFactory LogA { get; } = new();

    internal RecordingLoggerFactory LogB { get; } = new();

    /// <summary>Build to MemberUp of the self-joined node A (TLS, certificate load included).</summary>
    public TimeSpan FirstNodeUp { get; private set; }

    /// <summary>Build to MemberUp of B joining A.</summary>
    public TimeSpan SecondNodeUp { get; private set; }

    /// <summary>B's ClusterLb configuration (seeded with A), for rendering.</summary>
    public Config ConfigB { get; private set; } = null!;

    public string DataDir => _files.DataDir;

    public int PortA => Cluster.Get(A).SelfAddress.Port!.Value;

    public async Task InitializeAsync()
    {
        CertificateFactory.CreateCa(ClusterCa, "cluster-ca");
        CertificateFactory.CreateCa(ForeignCa, "foreign-ca");
        foreach (var name in new[] { "a", "b" })
        {
            CertificateFactory.CreateNode(ClusterCa, ClusterCa, name, ["127.0.0.1", "localhost"]);
        }

        var started = Stopwatch.StartNew();
        A = Start(Node("a", ClusterCa, seeds: null), LogA);
        var cluster = Cluster.Get(A);
        cluster.Join(cluster.SelfAddress);
        await Eventually.True(() => UpCount(A) == 1, Deadline, "A is Up on its own");
        FirstNodeUp = started.Elapsed;

        started.Restart();
        ConfigB = Node("b", ClusterCa, seeds: $"127.0.0.1:{PortA}");
        B = Start(ConfigB, LogB);
        await Eventually.True(() => UpCount(A) == 2 && UpCount(B) == 2, Deadline, "A and B are both Up in each other's view");
        SecondNodeUp = started.Elapsed;
    }

    /// <summary>A node file: port 0, TLS with <paramref name="certName"/>.pfx from <paramref name="caDir"/>, optional seeds.</summary>
    public Config Node(string certName, string caDir, string? seeds, string extra = "") => _files.Load($$"""
        clusterlb.cluster {
          port = 0
          seed-nodes = [{{(seeds is null ? "" : "\"" + seeds + "\"")}}]
          seed-node-timeout = 1s
          retry-unsuccessful-join-after = 2s
          tls { certificate = "{{Path.Combine(caDir, certName + ".pfx")}}", ca = "{{Path.Combine(caDir, "ca.crt")}}" }
        }
        {{extra}}
        """);

    /// <summary>Starts a system from the setup <see cref="AkkaNodeConfig.Build"/> makes; stopped with the fixture.</summary>
    internal ActorSystem Start(Config config, RecordingLoggerFactory log, Func<Akka.Actor.Setup.ActorSystemSetup, Akka.Actor.Setup.ActorSystemSetup>? adjust = null)
    {
        var node = AkkaNodeConfig.Build(config, DataDir, log);
        return Track(ActorSystem.Create(node.SystemName, adjust is null ? node.Setup : adjust(node.Setup)));
    }

    internal ActorSystem Track(ActorSystem system)
    {
        lock (_systems)
        {
            _systems.Add(system);
        }
        return system;
    }

    public static int UpCount(ActorSystem system) => Cluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>A and B are the only members, both Up, and nobody is unreachable.</summary>
    public void AssertUndisturbed()
    {
        foreach (var system in new[] { A, B })
        {
            var state = Cluster.Get(system).State;
            Assert.True(state.Members.Count == 2, $"{system.Name}@{Cluster.Get(system).SelfAddress} sees {string.Join(", ", state.Members)}");
            Assert.Equal(
                new[] { Cluster.Get(A).SelfAddress, Cluster.Get(B).SelfAddress }.OrderBy(a => a.ToString()),
                state.Members.Select(m => m.Address).OrderBy(a => a.ToString()));
            Assert.All(state.Members, m => Assert.Equal(MemberStatus.Up, m.Status));
            Assert.Empty(state.Unreachable);
        }
    }

    public async Task DisposeAsync()
    {
        ActorSystem[] systems;
        lock (_systems)
        {
            systems = [.. _systems];
        }
        await Task.WhenAll(systems.Select(s => s.Terminate().WaitAsync(TimeSpan.FromSeconds(30))));
        _files.Dispose();
    }
}
