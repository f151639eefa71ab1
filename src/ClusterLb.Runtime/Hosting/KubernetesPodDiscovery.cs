using System.Net;
using Akka.Actor;
using Akka.Discovery;
using Akka.Event;
using k8s;
using k8s.Autorest;
using k8s.Models;
using AkkaConfig = Akka.Configuration.Config;

namespace ClusterLb.Runtime.Hosting;

/// <summary>
/// Akka.Discovery's <c>kubernetes-api</c> method for Cluster Bootstrap: the contact points are the running pods the
/// Kubernetes API lists for a label selector, at their pod IP and the container port named like the lookup's port
/// name. It reads the keys of Akka.Discovery.KubernetesApi (<c>akka.discovery.kubernetes-api.pod-label-selector</c>,
/// <c>pod-namespace</c>, <c>container-name</c>) with the same meaning. That package cannot run here: 1.5.73 is built
/// against KubernetesClient 17.0.14, which is not served, and calls a <c>V1PodList</c> constructor that 19.0.2 (what
/// is served) no longer has, so every lookup fails with MissingMethodException. The connection is the official
/// client's own: in a pod, the service account's token and CA (in-cluster configuration); elsewhere, KUBECONFIG.
/// </summary>
public sealed class KubernetesPodDiscovery : ServiceDiscovery
{
    /// <summary>The class name Akka.Discovery instantiates (<c>akka.discovery.kubernetes-api.class</c>).</summary>
    public const string ClassName = "ClusterLb.Runtime.Hosting.KubernetesPodDiscovery, ClusterLb.Runtime";

    private readonly ILoggingAdapter _log;
    private readonly Kubernetes _client;
    private readonly string _namespace;
    private readonly string _labelSelector;
    private readonly string? _containerName;

    /// <summary>Reads <c>akka.discovery.kubernetes-api</c> (how Akka.Discovery creates a method without its own config).</summary>
    public KubernetesPodDiscovery(ExtendedActorSystem system)
        : this(system, system.Settings.Config.GetConfig("akka.discovery.kubernetes-api"))
    {
    }

    /// <summary>Reads <paramref name="config"/>, the method's config section.</summary>
    public KubernetesPodDiscovery(ExtendedActorSystem system, AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(system);
        _log = Akka.Event.Logging.GetLogger(system, typeof(KubernetesPodDiscovery));
        var client = KubernetesClientConfiguration.BuildDefaultConfig();
        _namespace = Text(config, "pod-namespace") ?? client.Namespace ?? "default";
        _labelSelector = Text(config, "pod-label-selector") ?? "app={0}";
        _containerName = Text(config, "container-name");
        _client = new Kubernetes(client);
        _log.Info("Kubernetes API discovery: pods in namespace [{0}] matching [{1}], API server {2}", _namespace, _labelSelector, client.Host);
    }

    /// <inheritdoc />
    public override async Task<Resolved> Lookup(Lookup lookup, TimeSpan resolveTimeout)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        var selector = _labelSelector.Replace("{0}", lookup.ServiceName, StringComparison.Ordinal);
        using var timeout = new CancellationTokenSource(resolveTimeout);
        V1PodList pods;
        try
        {
            pods = await _client.CoreV1.ListNamespacedPodAsync(_namespace, labelSelector: selector, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new InvalidOperationException(
                $"the Kubernetes API refused to list pods in namespace '{_namespace}' (403): the pod's service account needs get/list/watch on pods (deploy/kubernetes/10-rbac.yaml)", ex);
        }
        var targets = Targets(pods, lookup.PortName, _containerName).ToList();
        if (targets.Count == 0)
        {
            _log.Warning("No running pods with an IP{0} in namespace [{1}] match [{2}]", lookup.PortName is null ? "" : $" and a port named [{lookup.PortName}]", _namespace, selector);
        }
        return new Resolved(lookup.ServiceName, targets);
    }

    /// <summary>The contact points among <paramref name="pods"/>: running, not being deleted, with an IP (and the named port).</summary>
    internal static IEnumerable<ResolvedTarget> Targets(V1PodList pods, string? portName, string? containerName)
    {
        foreach (var pod in pods.Items ?? [])
        {
            var ip = pod.Status?.PodIP;
            if (pod.Metadata?.DeletionTimestamp is not null || !string.Equals(pod.Status?.Phase, "Running", StringComparison.OrdinalIgnoreCase) ||
                string.IsNullOrWhiteSpace(ip) || !IPAddress.TryParse(ip, out var address))
            {
                continue;
            }
            if (containerName is not null && (pod.Status!.ContainerStatuses ?? []).Any(s => s.Name == containerName && s.State?.Waiting is not null))
            {
                continue;
            }
            int? port = null;
            if (!string.IsNullOrEmpty(portName))
            {
                port = (pod.Spec?.Containers ?? []).SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == portName)?.ContainerPort;
                if (port is null)
                {
                    continue;
                }
            }
            yield return new ResolvedTarget(ip, port, address);
        }
    }

    private static string? Text(AkkaConfig config, string key) =>
        config.HasPath(key) && config.GetString(key)?.Trim() is { Length: > 0 } value && !value.StartsWith('<') ? value : null;
}
