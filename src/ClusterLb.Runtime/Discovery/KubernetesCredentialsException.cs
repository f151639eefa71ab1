namespace ClusterLb.Runtime.Discovery;

/// <summary>The Kubernetes API cannot be asked: no API server address, or a token or CA file that cannot be read.</summary>
public sealed class KubernetesCredentialsException(string message, Exception? inner = null) : Exception(message, inner);
