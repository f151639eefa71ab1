using System.Net.Http.Headers;
using k8s.Authentication;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// The Kubernetes client's bearer token, read from a file at every request: the kubelet rotates a service account's
/// projected token in place, so a token read once would expire under a long-running node.
/// </summary>
/// <param name="path">The token file (a pod's <c>/var/run/secrets/kubernetes.io/serviceaccount/token</c>).</param>
public sealed class BearerTokenFile(string path) : ITokenProvider
{
    /// <summary>The file read.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(Path, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new KubernetesCredentialsException($"cannot read the token file {Path} (discovery.token-file): {ex.Message}", ex);
        }
        return token.Length > 0
            ? new AuthenticationHeaderValue("Bearer", token)
            : throw new KubernetesCredentialsException($"the token file {Path} (discovery.token-file) is empty");
    }
}
