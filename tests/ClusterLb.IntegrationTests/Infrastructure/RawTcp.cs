using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClusterLb.IntegrationTests.Infrastructure;

/// <summary>How a raw exchange ended.</summary>
internal enum RawEnd
{
    /// <summary>The peer closed the connection (a read returned 0).</summary>
    Closed,

    /// <summary>The peer reset the connection (or refused the bytes we wrote).</summary>
    Reset,

    /// <summary>The deadline passed with the connection still open.</summary>
    Open,
}

/// <summary>What came back on a raw connection: the bytes (as Latin-1 text), how it ended, and after how long.</summary>
internal sealed record RawAnswer(string Text, RawEnd End, TimeSpan Elapsed)
{
    /// <summary>The status line, or empty when nothing came back.</summary>
    public string StatusLine => Text.Split("\r\n")[0];

    /// <summary>The HTTP status of the first response; 0 when there is none.</summary>
    public int Status => Text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && Text.Length >= 12
        && int.TryParse(Text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture, out var status) ? status : 0;

    /// <summary>How many HTTP responses the text holds (status lines at the start of a response).</summary>
    public int Responses => Text.Split("HTTP/1.1 ").Length - 1;

    /// <summary>The body of the first response, de-chunked when it was sent chunked.</summary>
    public string Body
    {
        get
        {
            var end = Text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end < 0)
            {
                return "";
            }
            var head = Text[..end];
            var rest = Text[(end + 4)..];
            if (!head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            {
                return rest;
            }
            var body = new StringBuilder();
            while (rest.IndexOf("\r\n", StringComparison.Ordinal) is var line and > 0
                && int.TryParse(rest[..line], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var size)
                && size > 0 && rest.Length >= line + 2 + size)
            {
                body.Append(rest, line + 2, size);
                rest = rest[(line + 2 + size)..].TrimStart('\r', '\n');
            }
            return body.ToString();
        }
    }

    /// <summary>True when the peer ended the connection, by close or reset.</summary>
    public bool Ended => End != RawEnd.Open;

    public override string ToString() => $"{End} after {Elapsed.TotalMilliseconds:0} ms: {(Text.Length > 300 ? Text[..300] + "..." : Text)}";
}

/// <summary>
/// Raw TCP exchanges for input no HTTP client would send: write the bytes as they are, then read everything the
/// peer answers until it closes the connection or the deadline passes.
/// </summary>
internal static class RawTcp
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(15);

    /// <summary>Sends <paramref name="request"/> (ASCII, Latin-1 for bytes above 127) to loopback:<paramref name="port"/>.</summary>
    public static Task<RawAnswer> SendAsync(int port, string request, TimeSpan? deadline = null) =>
        SendAsync(port, Encoding.Latin1.GetBytes(request), deadline);

    /// <summary>Sends <paramref name="bytes"/> to loopback:<paramref name="port"/> and reads the answer.</summary>
    public static async Task<RawAnswer> SendAsync(int port, byte[] bytes, TimeSpan? deadline = null)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await stream.WriteAsync(bytes);
        }
        catch (IOException)
        {
            // The peer closed before taking all the bytes: what it answered, if anything, is still to be read.
        }
        return await ReadToEndAsync(stream, deadline ?? DefaultDeadline, started);
    }

    /// <summary>Reads from <paramref name="stream"/> until the peer closes or resets it, or the deadline passes.</summary>
    public static async Task<RawAnswer> ReadToEndAsync(Stream stream, TimeSpan deadline, long? startedTimestamp = null)
    {
        var started = startedTimestamp ?? Stopwatch.GetTimestamp();
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(deadline);
        var end = RawEnd.Closed;
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                text.Append(Encoding.Latin1.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            end = RawEnd.Open;
        }
        catch (IOException)
        {
            // A reset, e.g. Kestrel closing with unread bytes after its answer: the answer is still here to check.
            end = RawEnd.Reset;
        }
        return new RawAnswer(text.ToString(), end, Stopwatch.GetElapsedTime(started));
    }
}
