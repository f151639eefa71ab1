using System.Diagnostics;
using OpenTelemetry;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Passes on only the spans of one <see cref="ActivitySource"/> instance, and the .NET HTTP client's spans
/// (<c>System.Net.Http</c>) made directly under them: the forwarded request to the backend. Activity listeners
/// are process-wide, so when several nodes share a process (the demo, the tests) each node's tracer would otherwise
/// export every node's spans, and the health probes' client spans too; each node has a source of its own and
/// exports through this filter.
/// </summary>
/// <remarks>A composite of one, so the SDK hands its provider (the resource: service name, instance) on to the exporter.</remarks>
internal sealed class OwnSpansProcessor(ActivitySource source, BaseProcessor<Activity> inner) : CompositeProcessor<Activity>([inner])
{
    /// <inheritdoc />
    public override void OnStart(Activity data)
    {
        if (IsOwn(data))
        {
            base.OnStart(data);
        }
    }

    /// <inheritdoc />
    public override void OnEnd(Activity data)
    {
        if (IsOwn(data))
        {
            base.OnEnd(data);
        }
    }

    /// <summary>The HTTP client's activity source in .NET 9 and later.</summary>
    public const string HttpClientSource = "System.Net.Http";

    private bool IsOwn(Activity data) =>
        data.Source == source || (data.Source.Name == HttpClientSource && data.Parent?.Source == source);
}
