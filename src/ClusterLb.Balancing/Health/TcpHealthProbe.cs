using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Health;

/// <summary>
/// An active TCP check (HAProxy's <c>check</c> with <c>tcp-check send/expect</c>): connect within the timeout; with
/// <see cref="HealthCheckSettings.Send"/>, write it; with <see cref="HealthCheckSettings.Expect"/>, read until the
/// answer contains it. A fresh connection every time, closed at once.
/// </summary>
public sealed class TcpHealthProbe(string host, int port, HealthCheckSettings settings) : IHealthProbe
{
    private const int MaxAnswer = 4096;
    private readonly byte[] _send = Encoding.UTF8.GetBytes(settings.Send);
    private readonly byte[] _expect = Encoding.UTF8.GetBytes(settings.Expect);

    /// <inheritdoc />
    public string Target { get; } = $"tcp://{host}:{port}";

    /// <inheritdoc />
    public async Task<ProbeResult> RunAsync(CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.Timeout);
        var stage = "connect";
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            if (_send.Length > 0)
            {
                stage = "send";
                await socket.SendAsync(_send, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            }
            if (_expect.Length > 0)
            {
                stage = "expect";
                if (!await AnswerContainsAsync(socket, timeout.Token).ConfigureAwait(false))
                {
                    return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"the answer did not contain \"{settings.Expect}\"");
                }
            }
            return new ProbeResult(true, 0, Stopwatch.GetElapsedTime(started), null);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"{stage} timed out after {settings.Timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException ex)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"{stage} failed: {ex.SocketErrorCode}");
        }
    }

    private async Task<bool> AnswerContainsAsync(Socket socket, CancellationToken cancellation)
    {
        var answer = new byte[MaxAnswer];
        var length = 0;
        while (length < answer.Length)
        {
            var read = await socket.ReceiveAsync(answer.AsMemory(length), SocketFlags.None, cancellation).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            length += read;
            if (answer.AsSpan(0, length).IndexOf(_expect) >= 0)
            {
                return true;
            }
        }
        return false;
    }
}
