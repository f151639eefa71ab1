namespace ClusterLb.Balancing.Discovery;

/// <summary>
/// <c>discovery.type = kubernetes</c>: the pool's hosts are the endpoints of a Service, read from its
/// <c>discovery.k8s.io/v1</c> EndpointSlices through the Kubernetes API every <see cref="Interval"/>, ready ones
/// up and terminating ones that still serve draining (what kube-proxy routes to).
/// </summary>
/// <param name="Service">The Service's name (its slices carry the label <c>kubernetes.io/service-name</c>).</param>
/// <param name="Namespace">The Service's namespace; null means the pod's own (<see cref="NamespaceFile"/>, else <c>default</c>).</param>
/// <param name="Port">Which of a slice's ports the hosts are at: a port name or number; null means each slice's first TCP port.</param>
/// <param name="Scheme"><c>http</c>, <c>https</c> or <c>tcp</c>: the hosts' address scheme.</param>
/// <param name="ApiServer">The API server's URL; empty means in-cluster (<c>KUBERNETES_SERVICE_HOST</c>/<c>_PORT</c>).</param>
/// <param name="TokenFile">File with the bearer token, re-read at every request (tokens rotate); empty means none.</param>
/// <param name="CaFile">PEM file of the CA that signs the API server's certificate; empty means the system's trust store.</param>
/// <param name="Interval">How often the slices are listed.</param>
/// <param name="Timeout">How long one list request may take before it counts as failed.</param>
public sealed record KubernetesDiscoverySettings(
    string Service,
    string? Namespace,
    string? Port,
    string Scheme,
    string ApiServer,
    string TokenFile,
    string CaFile,
    TimeSpan Interval,
    TimeSpan Timeout) : DiscoverySettings
{
    /// <summary>Where the kubelet mounts a pod's service account: token, ca.crt and namespace.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    /// <summary>Default of <see cref="TokenFile"/>.</summary>
    public const string DefaultTokenFile = ServiceAccountDirectory + "/token";

    /// <summary>Default of <see cref="CaFile"/>.</summary>
    public const string DefaultCaFile = ServiceAccountDirectory + "/ca.crt";

    /// <summary>The pod's namespace, read when <see cref="Namespace"/> is null.</summary>
    public const string NamespaceFile = ServiceAccountDirectory + "/namespace";

    /// <summary>The label an EndpointSlice's controller puts on every slice of a Service.</summary>
    public const string ServiceNameLabel = "kubernetes.io/service-name";

    /// <inheritdoc />
    public override string Type => Registry.HostSources.Kubernetes;

    /// <summary>The label selector of the Service's slices.</summary>
    public string LabelSelector => $"{ServiceNameLabel}={Service}";

    /// <summary>The port number <see cref="Port"/> names, or null when it is a name (or not set).</summary>
    public int? PortNumber => int.TryParse(Port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <inheritdoc />
    public override string Summary =>
        $"EndpointSlices of Service {Service} in {(Namespace is null ? "the pod's namespace" : $"namespace {Namespace}")}, " +
        $"{(Port is null ? "first port" : PortNumber is null ? $"port named {Port}" : $"port {Port}")}, {Scheme}, " +
        $"from {(ApiServer.Length == 0 ? "the in-cluster API server" : ApiServer)}, listed every {Interval.TotalSeconds:0.###} s";
}
