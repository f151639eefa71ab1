using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ClusterLb.Balancing.Discovery;
using k8s;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// How a <c>kubernetes</c> discovery reaches the API server: in a pod, the in-cluster address the kubelet puts in
/// <c>KUBERNETES_SERVICE_HOST</c>/<c>KUBERNETES_SERVICE_PORT</c>, with the service account's token and CA (what
/// the official client's in-cluster configuration does, with the paths configurable); elsewhere the
/// <c>api-server</c> URL, with any token and CA files.
/// </summary>
public static class KubernetesApiConnection
{
    /// <summary>The API server's URL: <see cref="KubernetesDiscoverySettings.ApiServer"/>, else the in-cluster one.</summary>
    /// <param name="settings">The discovery block.</param>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="KubernetesCredentialsException">No api-server and not in a pod.</exception>
    public static string ApiServer(KubernetesDiscoverySettings settings, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        if (settings.ApiServer.Length > 0)
        {
            return settings.ApiServer;
        }
        var host = environment("KUBERNETES_SERVICE_HOST");
        var port = environment("KUBERNETES_SERVICE_PORT");
        if (string.IsNullOrWhiteSpace(host) || string.IsNullOrWhiteSpace(port))
        {
            throw new KubernetesCredentialsException(
                "not in a Kubernetes pod (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set): set discovery.api-server");
        }
        if (!int.TryParse(port.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
        {
            throw new KubernetesCredentialsException($"KUBERNETES_SERVICE_PORT '{port}' is not a port number");
        }
        return new UriBuilder(Uri.UriSchemeHttps, host.Trim(), number).Uri.ToString().TrimEnd('/');
    }

    /// <summary>The namespace to list in: the configured one, else the pod's own (its service account's namespace file), else <c>default</c>.</summary>
    public static string Namespace(KubernetesDiscoverySettings settings, string namespaceFile = KubernetesDiscoverySettings.NamespaceFile)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Namespace is { } configured)
        {
            return configured;
        }
        try
        {
            return File.Exists(namespaceFile) && File.ReadAllText(namespaceFile).Trim() is { Length: > 0 } own ? own : "default";
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "default";
        }
    }

    /// <summary>The official client's configuration for <paramref name="settings"/>.</summary>
    /// <exception cref="KubernetesCredentialsException">No API server address, or a CA file that cannot be read.</exception>
    public static KubernetesClientConfiguration Configure(KubernetesDiscoverySettings settings, Func<string, string?> environment)
    {
        var host = ApiServer(settings, environment);
        var config = new KubernetesClientConfiguration
        {
            Host = host,
            // The caller's cancellation bounds each request at discovery.timeout; this only backs it up.
            HttpClientTimeout = settings.Timeout + TimeSpan.FromSeconds(1),
        };
        if (settings.TokenFile.Length > 0)
        {
            config.TokenProvider = new BearerTokenFile(settings.TokenFile);
        }
        if (settings.CaFile.Length > 0 && host.StartsWith("https:", StringComparison.OrdinalIgnoreCase))
        {
            config.SslCaCerts = LoadCa(settings.CaFile);
        }
        return config;
    }

    private static X509Certificate2Collection LoadCa(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new KubernetesCredentialsException($"cannot read the CA file {path} (discovery.ca-file): {ex.Message}", ex);
        }
        return certificates.Count > 0
            ? certificates
            : throw new KubernetesCredentialsException($"the CA file {path} (discovery.ca-file) holds no PEM certificate");
    }
}
