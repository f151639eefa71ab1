using ClusterLb.Actors;
using ClusterLb.Cluster.Daemon;
using ClusterLb.Hocon;
using ClusterLb.Remote;
using ClusterLb.Remote.Transport;

namespace ClusterLb.Cluster.Tests.MultiNode;

/// <summary>One real node (remoting on a loopback socket + cluster) inside the test process.</summary>
internal sealed class TestNode : IAsyncDisposable
{
    private TestNode(Remoting remoting)
    {
        Remoting = remoting;
        Cluster = Cluster.Get(remoting.System);
    }

    public Remoting Remoting { get; }
    public Cluster Cluster { get; }
    public ActorSystem System => Remoting.System;
    public Address Address => Cluster.SelfAddress;
    public NodeAddress NodeAddress => Remoting.SelfAddress.Address;
    public long Uid => Cluster.SelfUniqueAddress.Uid;
    public bool Killed { get; private set; }

    /// <summary>Protocol timings short enough for tests; deadlines in the tests stay generous for a loaded machine.</summary>
    public static string Timings(int port, string secret, string extra = "") => $$"""
        clusterlb {
          remote {
            hostname = "127.0.0.1"
            secret = "{{secret}}"
            handshake-timeout = 5s
            retry-gate-closed-for = 500ms
            backoff { min = 100ms, max = 500ms }
            system-message-resend-interval = 500ms
          }
          cluster {
            port = {{port}}
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            unreachable-nodes-reaper-interval = 200ms
            seed-node-timeout = 1s
            retry-unsuccessful-join-after = 2s
            failure-detector {
              heartbeat-interval = 200ms
              acceptable-heartbeat-pause = 1s
              expected-response-after = 500ms
            }
            split-brain-resolver { stable-after = 2s }
            singleton.hand-over-retry-interval = 200ms
          }
        }
        {{extra}}
        """;

    public static async Task<TestNode> StartAsync(TransportFaults faults, int port = 0, string secret = "test-secret", string extra = "",
        Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        var config = ConfigFactory.ParseString(Timings(port, secret, extra)).Resolve();
        var remoting = await ClusterNode.StartAsync(config, new RemotingOptions { Faults = faults, LoggerFactory = logs });
        return new TestNode(remoting);
    }

    public Task<ClusterStatus> StatusAsync() => Cluster.GetStatusAsync(TimeSpan.FromSeconds(10));

    /// <summary>Like a killed process: the daemon stops without leaving, then the sockets close.</summary>
    public async Task KillAsync()
    {
        Killed = true;
        await Cluster.Daemon.GracefulStop(TimeSpan.FromSeconds(10));
        await Remoting.Transport.DisposeAsync();
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (Killed) return;
        Killed = true;
        try
        {
            await Remoting.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            // A node that cannot finish its shutdown must not hang the test run; the assertions already ran.
        }
    }
}
