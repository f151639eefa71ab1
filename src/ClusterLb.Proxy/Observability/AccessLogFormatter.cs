using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ClusterLb.Proxy.Observability;

/// <summary>Formats <see cref="AccessLogEntry"/> lines as UTF-8, on the writer's thread (one formatter per writer: not thread-safe).</summary>
public sealed class AccessLogFormatter(AccessLogFormat format)
{
    private static readonly JsonWriterOptions JsonOptions = new() { SkipValidation = true };
    private static readonly byte[] Newline = "\n"u8.ToArray();
    private Utf8JsonWriter? _json;

    /// <summary>Appends one line (with its newline) to <paramref name="output"/>.</summary>
    public void Write(in AccessLogEntry entry, ArrayBufferWriter<byte> output)
    {
        if (format == AccessLogFormat.Json)
        {
            WriteJson(entry, output);
        }
        else
        {
            WriteText(entry, output);
        }
        output.Write(Newline);
    }

    private void WriteJson(in AccessLogEntry e, ArrayBufferWriter<byte> output)
    {
        // One writer for every line (the formatter runs on the log's single writer task); times and addresses are
        // formatted on the stack, so a line allocates nothing.
        var json = _json ??= new Utf8JsonWriter(output, JsonOptions);
        json.Reset(output);
        Span<char> text = stackalloc char[64];
        json.WriteStartObject();
        json.WriteString("time", e.Time.TryFormat(text, out var written, "yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture) ? text[..written] : default);
        json.WriteString("client", e.Client is { } client && client.TryFormat(text, out written) ? text[..written] : default);
        json.WriteString("method", e.Method);
        json.WriteString("host", e.Host);
        json.WriteString("path", e.Path);
        json.WriteNumber("status", e.Status);
        json.WriteNumber("bytes_sent", e.BytesSent);
        json.WriteString("service", e.Service);
        json.WriteString("pool", e.Pool);
        json.WriteString("upstream_host", e.UpstreamHost);
        json.WriteString("upstream_address", e.UpstreamAddress);
        json.WriteNumber("upstream_seconds", Math.Round(e.UpstreamDuration.TotalSeconds, 6));
        json.WriteNumber("total_seconds", Math.Round(e.Duration.TotalSeconds, 6));
        json.WriteNumber("retries", e.Retries);
        Span<byte> id = stackalloc byte[16];
        e.TraceId.CopyTo(id);
        json.WriteString("trace_id", e.TraceId != default && Convert.TryToHexStringLower(id, text, out written) ? text[..written] : default);
        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteText(in AccessLogEntry e, ArrayBufferWriter<byte> output)
    {
        // time client "METHOD host path" status bytes service/pool/host address upstream_s total_s retries trace_id
        var upstream = e.UpstreamHost.Length == 0 ? "-" : $"{e.Service}/{e.Pool}/{e.UpstreamHost}";
        var line = string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{e.Time:yyyy-MM-ddTHH:mm:ss.fffZ} {Dash(e.Client?.ToString() ?? string.Empty)} \"{e.Method} {Dash(e.Host)} {Escape(e.Path)}\" {e.Status} {e.BytesSent} {upstream} {Dash(e.UpstreamAddress)} {e.UpstreamDuration.TotalSeconds:0.000000} {e.Duration.TotalSeconds:0.000000} {e.Retries} {(e.TraceId == default ? "-" : e.TraceId.ToHexString())}");
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length));
        output.Advance(Encoding.UTF8.GetBytes(line, span));
    }

    private static string Dash(string value) => value.Length == 0 ? "-" : value;

    private static string Escape(string value) =>
        value.AsSpan().IndexOfAny("\" \n\r\t") < 0 ? value : value.Replace("\"", "%22").Replace(" ", "%20").Replace("\n", "%0A").Replace("\r", "%0D").Replace("\t", "%09");
}
