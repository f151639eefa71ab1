using System.Net.Http.Headers;
using System.Threading.Channels;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>A real <c>GET /events</c> connection read frame by frame, as a browser's EventSource would.</summary>
internal sealed class SseClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<SseFrame> _frames = Channel.CreateUnbounded<SseFrame>();
    private readonly Task _pump;

    private SseClient(HttpClient http, HttpResponseMessage response, StreamReader reader)
    {
        _http = http;
        _response = response;
        _reader = reader;
        // One reader loop per connection: waiting callers may give up (time out) without disturbing the stream.
        _pump = response.IsSuccessStatusCode ? Task.Run(PumpAsync) : Task.CompletedTask;
    }

    /// <summary>Comments seen so far by <see cref="NextEventAsync"/> (heartbeats, dropped-event notices), in order.</summary>
    public List<string> Comments { get; } = [];

    public HttpResponseMessage Response => _response;

    /// <summary>Connects and waits for the server's first comment, after which no event is missed.</summary>
    public static async Task<SseClient> ConnectAsync(Uri adminUrl, string? token = null)
    {
        // No overall timeout: the stream is meant to stay open; each wait has its own deadline.
        var http = new HttpClient { BaseAddress = adminUrl, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var client = new SseClient(http, response, reader);
        if (response.IsSuccessStatusCode)
        {
            var first = await client.NextFrameAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(": connected", first?.Comment);
        }
        return client;
    }

    /// <summary>The next event (comments are collected, not returned); throws after <paramref name="timeout"/>.</summary>
    public async Task<SseEvent> NextEventAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        while (true)
        {
            var frame = await NextFrameAsync(limit) ?? throw new EndOfStreamException("the event stream ended");
            if (frame.Comment is { } comment)
            {
                Comments.Add(comment);
                continue;
            }
            return frame.Event!;
        }
    }

    /// <summary>The next frame, event or comment; null once the server ended the stream; throws after <paramref name="timeout"/>.</summary>
    public async Task<SseFrame?> NextFrameAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await _frames.Reader.WaitToReadAsync(deadline.Token) && _frames.Reader.TryRead(out var frame) ? frame : null;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no event stream frame within {timeout.TotalSeconds:0.#} s");
        }
    }

    private async Task PumpAsync()
    {
        try
        {
            string? name = null, data = null, comment = null;
            while (await _reader.ReadLineAsync(_stop.Token) is { } line)
            {
                if (line.Length == 0)
                {
                    if (comment is not null || name is not null)
                    {
                        _frames.Writer.TryWrite(new SseFrame(comment, name is null ? null : new SseEvent(name, data ?? "")));
                    }
                    (name, data, comment) = (null, null, null);
                }
                else if (line.StartsWith(':'))
                {
                    comment = line;
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line["event: ".Length..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal) && data is null)
                {
                    data = line["data: ".Length..];
                }
                else
                {
                    throw new InvalidDataException($"unexpected event stream line '{line}' (every event has one data line)");
                }
            }
            _frames.Writer.TryComplete();
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            // Disposed by the test, or the connection was cut: the stream ends here.
            _frames.Writer.TryComplete();
        }
        catch (Exception ex)
        {
            _frames.Writer.TryComplete(ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _response.Dispose();
        await _pump;
        _reader.Dispose();
        _http.Dispose();
        _stop.Dispose();
    }
}

/// <summary>One event: its name and its JSON data line.</summary>
internal sealed record SseEvent(string Name, string Data)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Data).RootElement;
}

/// <summary>A comment or an event.</summary>
internal sealed record SseFrame(string? Comment, SseEvent? Event);
