using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace ClusterLb.Proxy.Observability;

/// <summary>
/// Counts the response body bytes a proxied request sends (nginx's <c>$body_bytes_sent</c>): the response body is
/// passed through a counting stream, installed with ASP.NET Core's own <see cref="StreamResponseBodyFeature"/> so
/// both <c>Response.Body</c> (what YARP copies into) and <c>Response.BodyWriter</c> are counted. Upgraded
/// (WebSocket) streams are not response bodies and are not counted.
/// </summary>
public sealed class ResponseBodyCounter : Stream
{
    private readonly Stream _inner;
    private long _written;

    private ResponseBodyCounter(Stream inner) => _inner = inner;

    /// <summary>Body bytes written so far.</summary>
    public long BytesWritten => Volatile.Read(ref _written);

    /// <summary>The bytes counted for <paramref name="context"/>, or its Content-Length when nothing counted it.</summary>
    public static long BytesSent(HttpContext context) =>
        context.Features.Get<ResponseBodyCounter>()?.BytesWritten ?? context.Response.ContentLength ?? 0;

    /// <summary>Runs <paramref name="next"/> with the response body counted.</summary>
    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var features = context.Features;
        var original = features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var counter = new ResponseBodyCounter(original.Stream);
        var counted = new StreamResponseBodyFeature(counter, original);
        features.Set<IHttpResponseBodyFeature>(counted);
        features.Set(counter);
        try
        {
            await next(context).ConfigureAwait(false);
            await counted.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            features.Set(original);
        }
    }

    /// <inheritdoc />
    public override bool CanRead => false;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => true;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count)
    {
        _inner.Write(buffer, offset, count);
        Interlocked.Add(ref _written, count);
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _inner.Write(buffer);
        Interlocked.Add(ref _written, buffer.Length);
    }

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Interlocked.Add(ref _written, buffer.Length);
    }

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();
}
