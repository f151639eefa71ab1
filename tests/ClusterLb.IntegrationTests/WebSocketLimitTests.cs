using System.Net.WebSockets;
using System.Text;
using ClusterLb.Balancing.Settings;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// An oversized WebSocket message through the proxy. Neither YARP nor Kestrel bounds WebSocket frames or messages
/// (after the upgrade YARP copies the bytes both ways; Kestrel's max-request-body-size does not apply to an upgraded
/// connection), so the limit is the backend's: its close reaches the client, and other WebSocket clients carry on.
/// </summary>
public sealed class WebSocketLimitTests(ITestOutputHelper output)
{
    private const int BackendLimit = 64 * 1024;

    [Fact]
    public async Task An_oversized_message_passes_the_proxy_the_backends_close_reaches_the_client_and_others_keep_working()
    {
        await using var backend = await KestrelBackend.StartAsync(HttpProtocols.Http1, null, null, app =>
        {
            app.UseWebSockets();
            app.Run(async context =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                {
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    return;
                }
                await EchoWithLimitAsync(await context.WebSockets.AcceptWebSocketAsync());
            });
        });
        // A request body limit far under the message: it does not apply to the upgraded connection.
        var proxy = ProxySettings.Loopback with { Limits = ProxyLimits.Default with { MaxRequestBodySize = 16 * 1024 } };
        var pool = new PoolSettings("ws", BalancingMethod.RoundRobin, 0, [new HostSettings("w1", backend.Url)], HealthCheckSettings.Default with { Enabled = false }, PassiveHealthSettings.Default);
        await using var harness = await NodeHarness.StartAsync(output, [], proxy, new ServiceSettings("web", ServiceMatch.Any, [pool]));
        var url = new UriBuilder(harness.Node.ProxyUrl) { Scheme = "ws", Path = "/ws" }.Uri;

        using var bystander = new ClientWebSocket();
        await bystander.ConnectAsync(url, CancellationToken.None);
        Assert.Equal("echo:before", await RoundTripAsync(bystander, "before"));

        using var big = new ClientWebSocket();
        await big.ConnectAsync(url, CancellationToken.None);
        // One frame of 1 MiB, sixteen times the backend's limit and 64 times the proxy's body limit.
        await big.SendAsync(new byte[1024 * 1024], WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await big.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal(WebSocketMessageType.Close, received.MessageType);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, big.CloseStatus);
        Assert.Equal($"message over {BackendLimit} bytes", big.CloseStatusDescription);
        await big.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "understood", CancellationToken.None);

        Assert.Equal("echo:after", await RoundTripAsync(bystander, "after"));
        using var newcomer = new ClientWebSocket();
        await newcomer.ConnectAsync(url, CancellationToken.None);
        Assert.Equal("echo:new", await RoundTripAsync(newcomer, "new"));
        await bystander.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        await newcomer.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }

    private static async Task<string> RoundTripAsync(ClientWebSocket socket, string text)
    {
        await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        return Encoding.UTF8.GetString(buffer, 0, received.Count);
    }

    /// <summary>
    /// Echoes text messages; a message over <see cref="BackendLimit"/> bytes is answered with close 1009, and the rest
    /// is read and dropped until the client's close (closing with bytes unread would reset the connection instead).
    /// </summary>
    private static async Task EchoWithLimitAsync(WebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            message.Write(buffer, 0, result.Count);
            if (message.Length > BackendLimit)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, $"message over {BackendLimit} bytes", CancellationToken.None);
                while ((await socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
                {
                }
                return;
            }
            if (result.EndOfMessage)
            {
                var reply = Encoding.UTF8.GetBytes("echo:" + Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length));
                message.SetLength(0);
                await socket.SendAsync(reply, WebSocketMessageType.Text, true, CancellationToken.None);
            }
        }
    }
}
