namespace ClusterLb.Proxy.Observability;

/// <summary>How spans leave the node (<c>clusterlb.tracing.protocol</c>).</summary>
public enum TracingProtocol
{
    /// <summary>OTLP over gRPC (the collector's port 4317).</summary>
    Grpc,

    /// <summary>OTLP over HTTP with protobuf bodies (the collector's port 4318, path <c>/v1/traces</c>).</summary>
    HttpProtobuf,
}

/// <summary>OpenTelemetry tracing (<c>clusterlb.tracing</c>): one span per proxied request and per admin write.</summary>
/// <param name="Enabled">Record and export spans; off by default.</param>
/// <param name="Endpoint">The OTLP receiver (a collector, Jaeger, Tempo).</param>
/// <param name="Protocol">gRPC or HTTP/protobuf.</param>
/// <param name="SampleRatio">Share of new traces recorded, 0 to 1; a request arriving with a sampled <c>traceparent</c> follows its caller's decision.</param>
public sealed record TracingSettings(bool Enabled, Uri Endpoint, TracingProtocol Protocol, double SampleRatio)
{
    /// <summary>The reference.conf defaults: off; OTLP/gRPC to a local collector, every trace, when turned on.</summary>
    public static TracingSettings Default { get; } = new(Enabled: false, new Uri("http://127.0.0.1:4317"), TracingProtocol.Grpc, 1.0);
}
