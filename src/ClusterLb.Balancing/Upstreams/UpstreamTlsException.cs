namespace ClusterLb.Balancing.Upstreams;

/// <summary>A pool's TLS file cannot be used: missing, unreadable, not PEM, or a key that does not match its certificate.</summary>
public sealed class UpstreamTlsException(string message, Exception? inner = null) : Exception(message, inner);
