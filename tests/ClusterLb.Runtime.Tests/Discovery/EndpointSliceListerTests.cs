using System.Net;
using System.Net.Sockets;
using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Discovery;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>A list that cannot succeed is a failed listing that says why, never an exception.</summary>
public sealed class EndpointSliceListerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("k8s-lister-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KubernetesDiscoverySettings Settings(string apiServer, string tokenFile = "", string caFile = "") =>
        new("web", "shop", null, "http", apiServer, tokenFile, caFile, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2));

    private static async Task<KubernetesListing> ListAsync(KubernetesDiscoverySettings settings)
    {
        using var lister = new EndpointSliceLister(settings, "shop", _ => null);
        return await lister.ListAsync(CancellationToken.None);
    }

    // A loopback port nothing listens on: bound, then released.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task Outside_a_pod_without_api_server_the_listing_fails_saying_what_to_set()
    {
        var listing = await ListAsync(Settings(""));

        Assert.False(listing.Succeeded);
        Assert.Empty(listing.Hosts);
        Assert.Contains("set discovery.api-server", listing.Error);
    }

    [Fact]
    public async Task A_missing_token_or_ca_file_fails_the_listing_naming_the_file()
    {
        var token = await ListAsync(Settings($"http://127.0.0.1:{ClosedPort()}", tokenFile: Path.Combine(_dir, "token")));
        Assert.False(token.Succeeded);
        Assert.Contains($"{Path.Combine(_dir, "token")} (discovery.token-file)", token.Error);

        var ca = await ListAsync(Settings($"https://127.0.0.1:{ClosedPort()}", caFile: Path.Combine(_dir, "ca.crt")));
        Assert.False(ca.Succeeded);
        Assert.Contains($"{Path.Combine(_dir, "ca.crt")} (discovery.ca-file)", ca.Error);
    }

    [Fact]
    public async Task A_refused_connection_fails_the_listing_naming_the_api_server()
    {
        var port = ClosedPort();

        var listing = await ListAsync(Settings($"http://127.0.0.1:{port}"));

        Assert.False(listing.Succeeded);
        Assert.StartsWith($"http://127.0.0.1:{port}/: ", listing.Error);
    }
}
