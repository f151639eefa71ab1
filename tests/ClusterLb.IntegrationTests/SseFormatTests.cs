using System.Text.Json;
using ClusterLb.Balancing.Registry;
using ClusterLb.Proxy.Admin.Events;

namespace ClusterLb.IntegrationTests;

/// <summary>Server-Sent Events framing and the per-client bounded buffer, without sockets.</summary>
public sealed class SseFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_event_is_its_kind_and_one_line_of_camel_case_json()
    {
        var frame = SseFormat.Event(new RegistryEvent(RegistryEvent.HostDown, "node1", "web", "main", "b1", "3 consecutive\nfailures", At));

        var lines = frame.Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.Equal("event: host_down", lines[0]);
        Assert.StartsWith("data: {", lines[1]);
        Assert.Equal(["", ""], lines[2..]);
        using var data = JsonDocument.Parse(lines[1]["data: ".Length..]);
        Assert.Equal("host_down", data.RootElement.GetProperty("kind").GetString());
        Assert.Equal("node1", data.RootElement.GetProperty("node").GetString());
        Assert.Equal("b1", data.RootElement.GetProperty("host").GetString());
        Assert.Equal("3 consecutive\nfailures", data.RootElement.GetProperty("detail").GetString());
        Assert.Equal(At, data.RootElement.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public void Absent_parts_are_null_in_the_data()
    {
        var frame = SseFormat.Event(new RegistryEvent(RegistryEvent.RegistryChanged, "n", null, "p", null, "pool-create", At));

        using var data = JsonDocument.Parse(frame.Split('\n')[1]["data: ".Length..]);
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("service").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.RootElement.GetProperty("host").ValueKind);
    }

    [Fact]
    public void A_kind_or_comment_with_line_breaks_cannot_break_the_framing()
    {
        Assert.Equal(": two lines\n\n", SseFormat.Comment("two\nlines"));
        Assert.StartsWith("event: a data: x\ndata: ", SseFormat.Event(new RegistryEvent("a\r\ndata: x", "n", null, null, null, "", At)));
    }

    [Fact]
    public void A_full_buffer_drops_the_oldest_events_and_counts_them()
    {
        var buffer = new SseClientBuffer(3);
        for (var i = 1; i <= 5; i++)
        {
            buffer.Add(new RegistryEvent(RegistryEvent.RegistryChanged, "n", null, null, null, $"change {i}", At));
        }

        var kept = new List<string>();
        while (buffer.Reader.TryRead(out var e))
        {
            kept.Add(e.Detail);
        }

        Assert.Equal(["change 3", "change 4", "change 5"], kept);
        Assert.Equal(2, buffer.TakeDropped());
        Assert.Equal(0, buffer.TakeDropped());
    }
}
