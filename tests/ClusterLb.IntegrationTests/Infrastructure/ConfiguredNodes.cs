using ClusterLb.Hocon;
using ClusterLb.Node.Configuration;
using ClusterLb.Node.Hosting;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>
/// Nodes started from HOCON files the way <c>clusterlb run --config</c> does, clustered or not, each with its own
/// data directory; everything is disposed together, nodes in reverse start order.
/// </summary>
internal sealed class ConfiguredNodes(ITestOutputHelper output) : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _cleanup = [];

    /// <summary>Seed addresses of <paramref name="count"/> fresh cluster ports, as HOCON list items.</summary>
    public static (int[] Ports, string SeedList) Seeds(int count)
    {
        var ports = Enumerable.Range(0, count).Select(_ => PortAllocator.Next()).ToArray();
        return (ports, string.Join(", ", ports.Select(p => $"\"akka.tcp://clusterlb@127.0.0.1:{p}\"")));
    }

    /// <summary>
    /// Starts a node named <paramref name="name"/>; <paramref name="body"/> is added inside <c>clusterlb { }</c>
    /// (services, admin token, cluster), after defaults for the listeners (port 0) and the data directory. The node
    /// logs to the test output, and to <paramref name="recorder"/> when given.
    /// </summary>
    public async Task<ClusterLbNode> StartAsync(string name, string body, LogRecorder? recorder = null)
    {
        var dataDirectory = TempDirectory.Create();
        _cleanup.Add(new DisposeAction(dataDirectory.Dispose));
        var file = Path.Combine(dataDirectory.Path, "node.conf");
        await File.WriteAllTextAsync(file, $$"""
            clusterlb {
              node.name = "{{name}}"
              node.data-dir = "{{dataDirectory.Path}}"
              proxy.http { bind = "127.0.0.1", port = 0 }
              admin.port = 0
              cluster { hostname = "127.0.0.1", port = 0 }
              {{body}}
            }
            """);
        var settings = NodeConfigReader.Read(ClusterLbConfigLoader.Load(file, useEnvironment: false));
        var loggerFactory = TestOutputLoggerProvider.Factory(output);
        if (recorder is not null)
        {
            loggerFactory.AddProvider(recorder);
        }
        _cleanup.Add(new DisposeAction(loggerFactory.Dispose));
        var node = await ClusterLbNode.StartAsync(settings, loggerFactory);
        _cleanup.Add(node);
        return node;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }
    }

    private sealed class DisposeAction(Action dispose) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            dispose();
            return ValueTask.CompletedTask;
        }
    }
}
