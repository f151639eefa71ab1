using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Health;

/// <summary>
/// An active UDP check: send <see cref="HealthCheckSettings.Send"/> from a fresh socket and wait for one answer within
/// the timeout, which must contain <see cref="HealthCheckSettings.Expect"/> when that is set. A host that is down
/// often says so at once: the ICMP port-unreachable it returns fails the receive.
/// </summary>
public sealed class UdpHealthProbe(string host, int port, HealthCheckSettings settings) : IHealthProbe
{
    private readonly byte[] _send = Encoding.UTF8.GetBytes(settings.Send);
    private readonly byte[] _expect = Encoding.UTF8.GetBytes(settings.Expect);

    /// <inheritdoc />
    public string Target { get; } = $"udp://{host}:{port}";

    /// <inheritdoc />
    public async Task<ProbeResult> RunAsync(CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var socket = new Socket(SocketType.Dgram, ProtocolType.Udp);
            await socket.ConnectAsync(host, port, timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(_send, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            var answer = new byte[2048];
            var read = await socket.ReceiveAsync(answer, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            return _expect.Length == 0 || answer.AsSpan(0, read).IndexOf(_expect) >= 0
                ? new ProbeResult(true, 0, Stopwatch.GetElapsedTime(started), null)
                : new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"the answer did not contain \"{settings.Expect}\"");
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"no answer within {settings.Timeout.TotalMilliseconds:0} ms");
        }
        catch (SocketException ex)
        {
            return new ProbeResult(false, 0, Stopwatch.GetElapsedTime(started), $"failed: {ex.SocketErrorCode}");
        }
    }
}
