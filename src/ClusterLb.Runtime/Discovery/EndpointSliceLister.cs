using System.Net;
using System.Text.Json;
using ClusterLb.Balancing.Discovery;
using k8s;
using k8s.Autorest;

namespace ClusterLb.Runtime.Discovery;

/// <summary>
/// Lists a Service's <c>discovery.k8s.io/v1</c> EndpointSlices (label selector <c>kubernetes.io/service-name</c>) with
/// the official Kubernetes client, bounded by <c>discovery.timeout</c>, and turns every outcome into a
/// <see cref="KubernetesListing"/>: an answer gives its hosts (<see cref="EndpointSliceHosts"/>), an error names
/// what failed and never throws. The client is built at the first list, so a token or CA file that appears later
/// (or an API server that starts later) is picked up.
/// </summary>
public sealed class EndpointSliceLister : IDisposable
{
    private readonly KubernetesDiscoverySettings _settings;
    private readonly Func<string, string?> _environment;
    private Kubernetes? _client;

    /// <summary>Creates a lister; nothing is read until <see cref="ListAsync"/>.</summary>
    /// <param name="settings">The discovery block.</param>
    /// <param name="ns">The namespace to list in (<see cref="KubernetesApiConnection.Namespace"/>).</param>
    /// <param name="environment">Reads an environment variable; the process's when null.</param>
    public EndpointSliceLister(KubernetesDiscoverySettings settings, string ns, Func<string, string?>? environment = null)
    {
        _settings = settings;
        Namespace = ns;
        _environment = environment ?? Environment.GetEnvironmentVariable;
    }

    /// <summary>The namespace listed.</summary>
    public string Namespace { get; }

    /// <summary>Lists the slices once.</summary>
    public async Task<KubernetesListing> ListAsync(CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_settings.Timeout);
        try
        {
            _client ??= new Kubernetes(KubernetesApiConnection.Configure(_settings, _environment));
            var list = await _client.DiscoveryV1.ListNamespacedEndpointSliceAsync(Namespace, labelSelector: _settings.LabelSelector, cancellationToken: timeout.Token).ConfigureAwait(false);
            var (hosts, note) = EndpointSliceHosts.From(list.Items ?? [], _settings, Namespace);
            return new KubernetesListing(true, hosts, note, "");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return KubernetesListing.Failed($"no answer from {_client?.BaseUri} within {_settings.Timeout.TotalMilliseconds:0} ms (discovery.timeout)");
        }
        catch (HttpOperationException ex)
        {
            return KubernetesListing.Failed(Refusal(ex));
        }
        catch (KubernetesCredentialsException ex)
        {
            return KubernetesListing.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or IOException)
        {
            return KubernetesListing.Failed($"{_client?.BaseUri}: {ex.GetBaseException().Message}");
        }
    }

    private string Refusal(HttpOperationException ex)
    {
        var status = ex.Response.StatusCode;
        var what = $"the Kubernetes API answered {(int)status} {status} to the list of EndpointSlices in namespace {Namespace}";
        var hint = status switch
        {
            HttpStatusCode.Unauthorized => ": the token is not accepted (discovery.token-file)",
            HttpStatusCode.Forbidden => ": the service account needs get and list on endpointslices (API group discovery.k8s.io) in that namespace (docs/discovery.md, RBAC)",
            HttpStatusCode.NotFound => ": this API server serves no discovery.k8s.io/v1 EndpointSlices (Kubernetes 1.21 or later has them)",
            _ => "",
        };
        return what + hint + Detail(ex.Response.Content);
    }

    // The message of the API's Status object, when the body is one.
    private static string Detail(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return "";
        }
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text
                ? $" ({text})"
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();
}
