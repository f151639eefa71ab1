using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>One span as it arrived over OTLP.</summary>
internal sealed record ReceivedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, int Kind, IReadOnlyDictionary<string, string> Attributes, IReadOnlyDictionary<string, string> Resource);

/// <summary>
/// An OTLP/HTTP trace receiver on loopback (<c>POST /v1/traces</c>, protobuf bodies), the way a collector receives
/// the node's exporter. It reads the few fields of <c>ExportTraceServiceRequest</c> the tests look at, by their
/// field numbers in opentelemetry-proto's trace.proto (the generated OpenTelemetry.Proto package is not served).
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans = new();
    private int _port;

    private OtlpReceiver(WebApplication app) => _app = app;

    public Uri Endpoint => new($"http://127.0.0.1:{_port}/v1/traces");

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans.ToArray();

    public int Requests { get; private set; }

    public static async Task<OtlpReceiver> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        ListenOptions? bound = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, o => { o.Protocols = HttpProtocols.Http1; bound = o; }));
        var app = builder.Build();
        var receiver = new OtlpReceiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver._port = bound!.IPEndPoint!.Port;
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Path != "/v1/traces" || !HttpMethods.IsPost(context.Request.Method) || context.Request.ContentType != "application/x-protobuf")
        {
            context.Response.StatusCode = 400;
            return;
        }
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        Requests++;
        foreach (var span in ReadRequest(body.ToArray()))
        {
            _spans.Enqueue(span);
        }
        context.Response.ContentType = "application/x-protobuf";
        context.Response.StatusCode = 200; // an empty ExportTraceServiceResponse
    }

    // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
    // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }   Resource { repeated KeyValue attributes = 1; }
    // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
    // Span { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; SpanKind kind = 6; ... repeated KeyValue attributes = 9; }
    // KeyValue { string key = 1; AnyValue value = 2; }   AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; }
    private static IEnumerable<ReceivedSpan> ReadRequest(byte[] bytes)
    {
        foreach (var resourceSpans in Fields(bytes, 1))
        {
            var resource = new Dictionary<string, string>();
            foreach (var r in Fields(resourceSpans, 1))
            {
                foreach (var kv in Fields(r, 1))
                {
                    var (key, value) = ReadKeyValue(kv);
                    resource[key] = value;
                }
            }
            foreach (var scopeSpans in Fields(resourceSpans, 2))
            {
                foreach (var span in Fields(scopeSpans, 2))
                {
                    yield return ReadSpan(span, resource);
                }
            }
        }
    }

    private static ReceivedSpan ReadSpan(byte[] bytes, Dictionary<string, string> resource)
    {
        string traceId = "", spanId = "", parent = "", name = "";
        var kind = 0;
        var attributes = new Dictionary<string, string>();
        var input = new CodedInputStream(bytes);
        while (input.ReadTag() is var tag && tag != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: traceId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 2: spanId = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 4: parent = Convert.ToHexStringLower(input.ReadBytes().ToByteArray()); break;
                case 5: name = input.ReadString(); break;
                case 6: kind = input.ReadEnum(); break;
                case 9:
                    var (key, value) = ReadKeyValue(input.ReadBytes().ToByteArray());
                    attributes[key] = value;
                    break;
                default: input.SkipLastField(); break;
            }
        }
        return new ReceivedSpan(traceId, spanId, parent, name, kind, attributes, resource);
    }

    private static (string Key, string Value) ReadKeyValue(byte[] bytes)
    {
        var key = "";
        var value = "";
        var input = new CodedInputStream(bytes);
        while (input.ReadTag() is var tag && tag != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                key = input.ReadString();
            }
            else if (WireFormat.GetTagFieldNumber(tag) == 2)
            {
                var any = new CodedInputStream(input.ReadBytes().ToByteArray());
                while (any.ReadTag() is var t && t != 0)
                {
                    value = WireFormat.GetTagFieldNumber(t) switch
                    {
                        1 => any.ReadString(),
                        2 => any.ReadBool() ? "true" : "false",
                        3 => any.ReadInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        4 => any.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        _ => Skip(any),
                    };
                }
            }
            else
            {
                input.SkipLastField();
            }
        }
        return (key, value);
    }

    private static string Skip(CodedInputStream input)
    {
        input.SkipLastField();
        return "";
    }

    /// <summary>The length-delimited fields numbered <paramref name="field"/> of a message.</summary>
    private static List<byte[]> Fields(byte[] message, int field)
    {
        var found = new List<byte[]>();
        var input = new CodedInputStream(message);
        while (input.ReadTag() is var tag && tag != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == field && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
            {
                found.Add(input.ReadBytes().ToByteArray());
            }
            else
            {
                input.SkipLastField();
            }
        }
        return found;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
