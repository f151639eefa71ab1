using Yarp.ReverseProxy.Forwarder;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>What a pool's requests are forwarded with: its connections (TLS, keepalive), HTTP version and request transform.</summary>
/// <param name="Invoker">The pooled client.</param>
/// <param name="Config">Activity timeout and HTTP version.</param>
/// <param name="Transformer">Forwarded headers, and the Host a pool's <c>tls.sni</c> asks for.</param>
public sealed record PoolClient(HttpMessageInvoker Invoker, ForwarderRequestConfig Config, HttpTransformer Transformer);
