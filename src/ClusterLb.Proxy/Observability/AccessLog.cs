using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// The access log: request threads hand finished requests to a bounded channel and never wait; one background
/// task formats and writes them (to standard output or a size-rotated file), flushes when the channel runs
/// empty, and then waits <see cref="FlushInterval"/> before it looks again. A full channel drops the line and counts
/// it (<see cref="Dropped"/>, exported as <c>clusterlb_access_log_dropped_total</c>) instead of slowing the proxy
/// down.
/// </summary>
public sealed partial class AccessLog : IAsyncDisposable
{
    private readonly AccessLogSettings _settings;
    private readonly Channel<AccessLogEntry> _channel;
    private readonly AccessLogFormatter _formatter;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private long _dropped;
    private long _written;

    /// <summary>The longest a queued line waits before the writer wakes for it, under load.</summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Opens the sink and starts the writer.</summary>
    public AccessLog(AccessLogSettings settings, ILogger logger)
    {
        _settings = settings;
        _logger = logger;
        _formatter = new AccessLogFormatter(settings.Format);
        _channel = Channel.CreateBounded<AccessLogEntry>(new BoundedChannelOptions(settings.QueueSize)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then answers false at once: the line is dropped and counted
            SingleReader = true,
            SingleWriter = false,
        });
        RotatingFile? file = null;
        try
        {
            file = settings.Path.Length > 0 ? new RotatingFile(settings.Path, settings.MaxFileSize, settings.MaxFiles) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot open the access log (clusterlb.access-log.path = \"{settings.Path}\"): {ex.Message}", ex);
        }
        _writer = Task.Run(() => WriteLoopAsync(file));
    }

    /// <summary>Lines dropped because the writer fell behind.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Lines written so far.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Whether this request is logged (the sample rate, decided per request).</summary>
    public bool Samples() => _settings.SampleRate >= 1 || (_settings.SampleRate > 0 && Random.Shared.NextDouble() < _settings.SampleRate);

    /// <summary>Queues a line; never blocks.</summary>
    public void Enqueue(in AccessLogEntry entry)
    {
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Stops taking lines, writes what is queued and closes the sink.</summary>
    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync(RotatingFile? file)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using var stdout = file is null ? Console.OpenStandardOutput() : null;
        try
        {
            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var entry))
                {
                    buffer.ResetWrittenCount();
                    _formatter.Write(entry, buffer);
                    if (file is not null)
                    {
                        file.Write(buffer.WrittenSpan);
                    }
                    else
                    {
                        stdout!.Write(buffer.WrittenSpan);
                    }
                    Interlocked.Increment(ref _written);
                }
                // Flush when the queue runs empty: one system call per burst, and nothing lingers while idle.
                file?.Flush();
                stdout?.Flush();
                // Then let lines gather for a moment: under load the writer wakes FlushInterval apart instead of once
                // per request, and request threads only add to the queue (no wake-up to hand over). A line waits at
                // most this long before it is written, as with nginx's access_log flush=.
                await Task.Delay(FlushInterval).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_settings.Path.Length > 0 ? _settings.Path : "stdout", ex);
            // Keep draining so request threads keep dropping into a channel that empties, and count what is lost.
            while (await _channel.Reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (_channel.Reader.TryRead(out _))
                {
                    Interlocked.Increment(ref _dropped);
                }
            }
        }
        finally
        {
            file?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The access log cannot be written to {Target}; its lines are dropped from now on")]
    private partial void LogWriteFailed(string target, Exception exception);
}
