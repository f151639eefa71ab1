using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Discovery;
using ClusterLb.Runtime.Security;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>Where a kubernetes discovery connects, and with which token and CA.</summary>
public sealed class KubernetesApiConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("k8s-connection-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KubernetesDiscoverySettings Settings(string apiServer = "", string tokenFile = "", string caFile = "", string? ns = null) =>
        new("web", ns, null, "http", apiServer, tokenFile, caFile, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3));

    private static Func<string, string?> Environment(string? host, string? port) =>
        name => name switch { "KUBERNETES_SERVICE_HOST" => host, "KUBERNETES_SERVICE_PORT" => port, _ => null };

    [Fact]
    public void In_a_pod_the_api_server_is_the_one_the_kubelet_names_and_a_configured_one_wins()
    {
        Assert.Equal("https://10.96.0.1", KubernetesApiConnection.ApiServer(Settings(), Environment("10.96.0.1", "443")));
        Assert.Equal("https://[fd00::1]:6443", KubernetesApiConnection.ApiServer(Settings(), Environment("fd00::1", "6443")));
        Assert.Equal("https://k8s.test:6443", KubernetesApiConnection.ApiServer(Settings("https://k8s.test:6443"), Environment("10.96.0.1", "443")));

        var outside = Assert.Throws<KubernetesCredentialsException>(() => KubernetesApiConnection.ApiServer(Settings(), Environment(null, null)));
        Assert.Contains("set discovery.api-server", outside.Message);
        Assert.Throws<KubernetesCredentialsException>(() => KubernetesApiConnection.ApiServer(Settings(), Environment("10.96.0.1", "https")));
    }

    [Fact]
    public void The_namespace_is_the_configured_one_else_the_pods_own_else_default()
    {
        var file = Path.Combine(_dir, "namespace");
        Assert.Equal("default", KubernetesApiConnection.Namespace(Settings(), file));
        File.WriteAllText(file, "shop\n");
        Assert.Equal("shop", KubernetesApiConnection.Namespace(Settings(), file));
        Assert.Equal("other", KubernetesApiConnection.Namespace(Settings(ns: "other"), file));
    }

    [Fact]
    public async Task The_token_is_read_from_its_file_at_every_request_so_a_rotated_token_is_used()
    {
        var file = Path.Combine(_dir, "token");
        var token = new BearerTokenFile(file);
        await Assert.ThrowsAsync<KubernetesCredentialsException>(() => token.GetAuthenticationHeaderAsync(CancellationToken.None));

        await File.WriteAllTextAsync(file, "first\n");
        Assert.Equal("Bearer first", (await token.GetAuthenticationHeaderAsync(CancellationToken.None)).ToString());
        await File.WriteAllTextAsync(file, "second");
        Assert.Equal("Bearer second", (await token.GetAuthenticationHeaderAsync(CancellationToken.None)).ToString());
        await File.WriteAllTextAsync(file, "  ");
        var empty = await Assert.ThrowsAsync<KubernetesCredentialsException>(() => token.GetAuthenticationHeaderAsync(CancellationToken.None));
        Assert.Contains("is empty", empty.Message);
    }

    [Fact]
    public void The_ca_file_is_trusted_for_https_and_a_missing_one_is_a_credentials_error()
    {
        CertificateFactory.CreateCa(_dir, "k8s-test-ca");
        var ca = Path.Combine(_dir, CertificateFactory.CaCertificateFile);

        var config = KubernetesApiConnection.Configure(Settings("https://127.0.0.1:6443", Path.Combine(_dir, "token"), ca), Environment(null, null));
        Assert.Equal("https://127.0.0.1:6443", config.Host);
        Assert.Equal("CN=k8s-test-ca", Assert.Single(config.SslCaCerts).Subject);
        Assert.IsType<BearerTokenFile>(config.TokenProvider);

        // Plain http (kubectl proxy) needs neither.
        var plain = KubernetesApiConnection.Configure(Settings("http://127.0.0.1:8001", caFile: ca), Environment(null, null));
        Assert.Null(plain.SslCaCerts);
        Assert.Null(plain.TokenProvider);

        var missing = Assert.Throws<KubernetesCredentialsException>(() =>
            KubernetesApiConnection.Configure(Settings("https://127.0.0.1:6443", caFile: Path.Combine(_dir, "nope.crt")), Environment(null, null)));
        Assert.Contains("discovery.ca-file", missing.Message);
    }
}
