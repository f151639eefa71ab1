using System.Text;
using System.Text.Json;
using ClusterLb.Balancing.Registry;

namespace ClusterLb.Proxy.Admin.Events;

/// <summary>
/// Server-Sent Events framing (WHATWG HTML, "server-sent events"): <c>event:</c> and <c>data:</c> lines ended by
/// a blank line; a line starting with <c>:</c> is a comment clients ignore, which keeps idle proxies from closing
/// the connection.
/// </summary>
public static class SseFormat
{
    /// <summary>Compact JSON: one event's data must stay on one <c>data:</c> line.</summary>
    private static readonly JsonSerializerOptions DataOptions = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    /// <summary>The frame of <paramref name="event"/>: <c>event: host_down</c>, <c>data: {json}</c>.</summary>
    public static string Event(RegistryEvent @event)
    {
        // The serializer escapes control characters inside strings, so the JSON has no raw line break.
        var json = JsonSerializer.Serialize(@event, DataOptions);
        return $"event: {SingleLine(@event.Kind)}\ndata: {json}\n\n";
    }

    /// <summary>A comment frame; line breaks in <paramref name="text"/> become spaces.</summary>
    public static string Comment(string text) => $": {SingleLine(text)}\n\n";

    /// <summary>The UTF-8 bytes of a frame.</summary>
    public static byte[] Bytes(string frame) => Encoding.UTF8.GetBytes(frame);

    private static string SingleLine(string text) => text.ReplaceLineEndings(" ");
}
