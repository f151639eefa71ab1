using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Admin.Events;

/// <summary>
/// <c>GET /events</c>: registry and health events as Server-Sent Events, a comment heartbeat while idle, until the
/// client goes away or the admin listener stops. Access rules are checked by <see cref="AdminEndpoints"/>.
/// </summary>
public sealed partial class EventsEndpoint(IAdminEventFeed? feed, EventsEndpointOptions options, CancellationToken listenerStopping, ILogger logger)
{
    /// <summary>The reason given on a node that has no event feed.</summary>
    public const string NoFeedReason = "this node publishes no registry events";

    /// <summary>Streams events to one client until it disconnects or the listener stops.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        if (feed is null)
        {
            await AdminResponses.WriteAsync(context, StatusCodes.Status404NotFound, new AdminError("no-events", NoFeedReason)).ConfigureAwait(false);
            return;
        }
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Reverse proxies in front of the admin port (nginx) otherwise hold the frames back.
        response.Headers["X-Accel-Buffering"] = "no";
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, listenerStopping);
        var buffer = new SseClientBuffer(options.BufferCapacity);
        using var subscription = feed.Subscribe(buffer.Add);
        LogClientConnected(context.Connection.RemoteIpAddress?.ToString() ?? "?");
        try
        {
            // Subscribed before the first byte: a client that has read this line misses no later event.
            await WriteAsync(response, SseFormat.Comment("connected"), stop.Token).ConfigureAwait(false);
            await PumpAsync(response, buffer, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The client left or the listener is stopping: the normal end of a stream.
        }
        catch (IOException)
        {
            // The connection broke mid-write; Kestrel reports it as an IOException before RequestAborted fires.
        }
        LogClientGone();
    }

    private async Task PumpAsync(HttpResponse response, SseClientBuffer buffer, CancellationToken stop)
    {
        var reader = buffer.Reader;
        while (!reader.Completion.IsCompleted)
        {
            if (!await WaitOrHeartbeatAsync(response, reader, stop).ConfigureAwait(false))
            {
                continue;
            }
            while (reader.TryRead(out var @event))
            {
                if (buffer.TakeDropped() is > 0 and var dropped)
                {
                    await response.WriteAsync(SseFormat.Comment($"dropped {dropped} events: this client reads slower than events arrive"), stop).ConfigureAwait(false);
                }
                await response.WriteAsync(SseFormat.Event(@event), stop).ConfigureAwait(false);
            }
            await response.Body.FlushAsync(stop).ConfigureAwait(false);
        }
    }

    /// <summary>True when events are ready; false after writing a heartbeat because none came within the interval.</summary>
    private async Task<bool> WaitOrHeartbeatAsync(HttpResponse response, System.Threading.Channels.ChannelReader<Balancing.Registry.RegistryEvent> reader, CancellationToken stop)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(stop);
        idle.CancelAfter(options.HeartbeatInterval);
        try
        {
            return await reader.WaitToReadAsync(idle.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            await WriteAsync(response, SseFormat.Comment("heartbeat"), stop).ConfigureAwait(false);
            return false;
        }
    }

    private static async Task WriteAsync(HttpResponse response, string frame, CancellationToken stop)
    {
        await response.WriteAsync(frame, stop).ConfigureAwait(false);
        await response.Body.FlushAsync(stop).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event stream client {Client} connected")]
    private partial void LogClientConnected(string client);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Event stream client gone")]
    private partial void LogClientGone();
}

/// <summary>Tuning of <c>GET /events</c>.</summary>
/// <param name="HeartbeatInterval">A comment line is sent after this long without an event.</param>
/// <param name="BufferCapacity">Events held per client before the oldest is dropped.</param>
public sealed record EventsEndpointOptions(TimeSpan HeartbeatInterval, int BufferCapacity)
{
    /// <summary>15 s heartbeat, 256 buffered events per client.</summary>
    public static EventsEndpointOptions Default { get; } = new(TimeSpan.FromSeconds(15), 256);
}
