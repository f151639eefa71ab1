using System.Text;
using ClusterLb.Balancing.Registry;
using ClusterLb.Proxy.Admin.Events;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>GET /events</c>' pump without sockets: heartbeats while idle, the dropped-events notice for a slow client, and
/// a clean end when the client goes away. (The feed here is a plain list of events, not the registry.)
/// </summary>
public sealed class EventsEndpointTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task An_idle_stream_sends_heartbeat_comments()
    {
        var body = new WatchedStream();
        var context = Context(body, out var client);
        var endpoint = new EventsEndpoint(new ReplayFeed([]), new EventsEndpointOptions(TimeSpan.FromMilliseconds(20), 8), CancellationToken.None, NullLogger.Instance);

        var streaming = endpoint.InvokeAsync(context);
        await body.WaitForAsync(": heartbeat\n\n: heartbeat\n\n");
        client.Cancel();
        await streaming.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith(": connected\n\n: heartbeat\n\n", body.Text);
        Assert.Equal("text/event-stream; charset=utf-8", context.Response.ContentType);
    }

    [Fact]
    public async Task A_client_that_fell_behind_is_told_how_many_events_it_lost_before_the_rest()
    {
        var events = Enumerable.Range(1, 10).Select(i => new RegistryEvent(RegistryEvent.RegistryChanged, "n", "web", "p", null, $"change {i}", At)).ToList();
        var body = new WatchedStream();
        var context = Context(body, out var client);
        // The feed hands all ten over at subscription, before the pump reads: a buffer of 4 keeps the newest 4.
        var endpoint = new EventsEndpoint(new ReplayFeed(events), new EventsEndpointOptions(TimeSpan.FromMinutes(1), 4), CancellationToken.None, NullLogger.Instance);

        var streaming = endpoint.InvokeAsync(context);
        await body.WaitForAsync("change 10");
        client.Cancel();
        await streaming.WaitAsync(TimeSpan.FromSeconds(10));

        var frames = body.Text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(": connected", frames[0]);
        Assert.Equal(": dropped 6 events: this client reads slower than events arrive", frames[1]);
        Assert.Equal(["change 7", "change 8", "change 9", "change 10"],
            frames[2..].Select(f => System.Text.Json.JsonDocument.Parse(f.Split('\n')[1]["data: ".Length..]).RootElement.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task The_subscription_ends_when_the_client_goes_away_or_the_listener_stops()
    {
        var feed = new ReplayFeed([]);
        using var listener = new CancellationTokenSource();
        var endpoint = new EventsEndpoint(feed, EventsEndpointOptions.Default, listener.Token, NullLogger.Instance);

        var first = new WatchedStream();
        var leaving = endpoint.InvokeAsync(Context(first, out var client));
        await first.WaitForAsync(": connected");
        Assert.Equal(1, feed.Active);
        client.Cancel();
        await leaving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, feed.Active);

        var second = new WatchedStream();
        var stopped = endpoint.InvokeAsync(Context(second, out _));
        await second.WaitForAsync(": connected");
        listener.Cancel();
        await stopped.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, feed.Active);
    }

    [Fact]
    public async Task Without_a_feed_the_endpoint_answers_404_with_the_reason()
    {
        var body = new WatchedStream();
        var context = Context(body, out _);

        await new EventsEndpoint(null, EventsEndpointOptions.Default, CancellationToken.None, NullLogger.Instance).InvokeAsync(context);

        Assert.Equal(404, context.Response.StatusCode);
        Assert.Contains(EventsEndpoint.NoFeedReason, body.Text);
    }

    private static DefaultHttpContext Context(Stream body, out CancellationTokenSource client)
    {
        client = new CancellationTokenSource();
        var context = new DefaultHttpContext { RequestAborted = client.Token };
        context.Request.Method = "GET";
        context.Response.Body = body;
        return context;
    }

    /// <summary>Hands every given event to each new subscriber at once, and counts live subscriptions.</summary>
    private sealed class ReplayFeed(IReadOnlyList<RegistryEvent> events) : IAdminEventFeed
    {
        private int _active;

        public int Active => Volatile.Read(ref _active);

        public IDisposable Subscribe(Action<RegistryEvent> sink)
        {
            Interlocked.Increment(ref _active);
            foreach (var e in events)
            {
                sink(e);
            }
            return new Unsubscribe(() => Interlocked.Decrement(ref _active));
        }

        private sealed class Unsubscribe(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }

    /// <summary>A response body whose text can be awaited, written by the endpoint on another thread.</summary>
    private sealed class WatchedStream : Stream
    {
        private readonly StringBuilder _text = new();
        private readonly List<(string Expected, TaskCompletionSource Seen)> _waiters = [];

        public string Text
        {
            get { lock (_text) { return _text.ToString(); } }
        }

        public Task WaitForAsync(string expected)
        {
            lock (_text)
            {
                if (_text.ToString().Contains(expected, StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }
                var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((expected, seen));
                return seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Append(buffer.AsSpan(offset, count));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Append(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Append(ReadOnlySpan<byte> bytes)
        {
            lock (_text)
            {
                _text.Append(Encoding.UTF8.GetString(bytes));
                var text = _text.ToString();
                foreach (var waiter in _waiters.Where(w => text.Contains(w.Expected, StringComparison.Ordinal)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Seen.TrySetResult();
                }
            }
        }

        public override void Flush() { }
        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
