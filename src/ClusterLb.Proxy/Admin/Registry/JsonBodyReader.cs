using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace ClusterLb.Proxy.Admin.Registry;

/// <summary>
/// Reads an admin request body as one JSON object, bounded in size. Every refusal is an
/// <see cref="AdminRequestException"/> with field <c>body</c>.
/// </summary>
public static class JsonBodyReader
{
    /// <summary>Largest body accepted (64 KiB): registry commands are a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    private static readonly JsonDocumentOptions ParseOptions = new() { MaxDepth = 16, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <summary>
    /// The body's JSON object, or null when the body is empty and <paramref name="required"/> is false.
    /// </summary>
    public static async Task<JsonDocument?> ReadAsync(HttpRequest request, bool required, CancellationToken cancellation)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw TooLarge();
        }
        var bytes = await ReadBoundedAsync(request.Body, cancellation).ConfigureAwait(false);
        if (bytes.Length == 0)
        {
            return required ? throw AdminRequestException.Invalid("body", "a JSON object is required") : null;
        }
        if (request.ContentType is { } contentType && !IsJson(contentType))
        {
            throw new AdminRequestException(StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "body",
                $"Content-Type must be application/json (was '{contentType}')");
        }
        return Parse(bytes);
    }

    /// <summary>Parses <paramref name="utf8"/> as one JSON object.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8)
    {
        // JsonDocument checks the JSON structure but not the UTF-8 inside strings: a bad byte there only throws
        // (InvalidOperationException) when the string is read, far from here, and was answered 503 as if the
        // registry had failed. Refuse it here, as the client's error it is.
        if (InvalidUtf8At(utf8.Span) is { } offset)
        {
            throw AdminRequestException.Invalid("body", $"the body is not valid UTF-8 (invalid byte sequence at offset {offset})");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8, ParseOptions);
        }
        catch (JsonException ex)
        {
            throw AdminRequestException.Invalid("body", $"malformed JSON: {ex.Message}");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = document.RootElement.ValueKind;
            document.Dispose();
            throw AdminRequestException.Invalid("body", $"the body must be a JSON object (was {JsonFields.KindName(kind)})");
        }
        return document;
    }

    /// <summary>The offset of the first byte that is not valid UTF-8, or null when all of it is.</summary>
    private static int? InvalidUtf8At(ReadOnlySpan<byte> utf8)
    {
        if (Utf8.IsValid(utf8))
        {
            return null;
        }
        var chars = ArrayPool<char>.Shared.Rent(utf8.Length);
        try
        {
            Utf8.ToUtf16(utf8, chars, out var read, out _, replaceInvalidSequences: false);
            return read;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    private static async Task<byte[]> ReadBoundedAsync(Stream body, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            using var collected = new MemoryStream();
            int read;
            while ((read = await body.ReadAsync(buffer, cancellation).ConfigureAwait(false)) > 0)
            {
                // Chunked bodies have no Content-Length: stop reading as soon as the limit is passed.
                if (collected.Length + read > MaxBodyBytes)
                {
                    throw TooLarge();
                }
                collected.Write(buffer, 0, read);
            }
            return collected.ToArray();
        }
        catch (BadHttpRequestException ex)
        {
            // Kestrel's own refusals of the body (cut short, bad chunk framing, over its size limit): the client's
            // error, not the registry's, so answer it as such instead of letting it look like a registry failure.
            throw ex.StatusCode switch
            {
                StatusCodes.Status413PayloadTooLarge => TooLarge(),
                StatusCodes.Status408RequestTimeout => new AdminRequestException(StatusCodes.Status408RequestTimeout, "timeout", "body", $"the body was not sent in time: {ex.Message}"),
                _ => AdminRequestException.Invalid("body", $"the body could not be read: {ex.Message}"),
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsJson(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType is { } type
        && (type.Equals("application/json", StringComparison.OrdinalIgnoreCase) || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static AdminRequestException TooLarge() =>
        new(StatusCodes.Status413PayloadTooLarge, "too-large", "body", $"the body must be at most {MaxBodyBytes} bytes");
}
