using System.Net;
using System.Net.WebSockets;
using System.Text;
using ClusterLb.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>HTTP/2, WebSocket and forwarded headers through a whole node.</summary>
public sealed class ProtocolTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Http2_websocket_and_forwarded_headers_pass_through_the_node()
    {
        var backends = await NodeHarness.StartBackendsAsync("b1");
        await using var harness = await NodeHarness.StartAsync(output, backends, NodeHarness.Pool("main", 0, backends));

        using var h2 = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        var h2Response = await h2.GetAsync(new Uri(harness.Node.Http2Url!, "/headers"));
        Assert.Equal(HttpVersion.Version20, h2Response.Version);
        var h2Headers = await h2Response.Content.ReadAsStringAsync();
        Assert.Contains("X-Forwarded-For: 127.0.0.1", h2Headers);

        var headers = await harness.Client.GetStringAsync("/headers");
        Assert.Contains("X-Forwarded-For: 127.0.0.1", headers);
        Assert.Contains("X-Forwarded-Proto: http", headers);

        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new UriBuilder(harness.Node.ProxyUrl) { Scheme = "ws", Path = "/ws" }.Uri, CancellationToken.None);
        await socket.SendAsync(Encoding.UTF8.GetBytes("ping"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("b1:ping", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
    }
}
