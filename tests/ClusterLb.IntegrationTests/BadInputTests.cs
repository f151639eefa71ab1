using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ClusterLb.Balancing.Health;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Configuration;
using ClusterLb.Proxy;
using ClusterLb.Proxy.Admin;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// Bad input on every port (issue 14): random bytes and oversized frames on the cluster port, request smuggling
/// attempts and slowloris on the proxy port, invalid bodies, wrong tokens and garbage requests on the admin port.
/// Each gets a clear error or a closed connection, nothing crashes, nothing is forwarded that should not be, and
/// nothing the cluster holds changes. Every expectation below is what the product was seen to do, over raw sockets.
/// </summary>
public static class BadInputTests
{
    /// <summary>A request hidden in a body: if a framing flaw let it through, the backend would record it.</summary>
    private const string Smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    /// <summary>The cluster (Akka remoting) port of plaintext and TLS clusters.</summary>
    [Collection(ClusterProcessCollection.Name)]
    public sealed class ClusterPort(ITestOutputHelper output)
    {
        private static readonly TimeSpan FormDeadline = TimeSpan.FromSeconds(90);

        /// <summary>
        /// <c>clusterlb.remote.connection-timeout</c> for these clusters (15 s by default): a connection that starts a
        /// frame (or a TLS record) and then sends nothing is closed when it runs out. With the DotNetty transport Akka
        /// takes the association handshake timeout from this key, not from <c>handshake-timeout</c> (seen: with
        /// handshake-timeout = 5s such a connection was still open after 15 s).
        /// </summary>
        private const string ConnectionTimeout = "5s";

        /// <summary>How long a node may keep a bad connection open: the connection timeout and slack for a loaded machine.</summary>
        private static readonly TimeSpan CloseDeadline = TimeSpan.FromSeconds(5 + 10);

        /// <summary>
        /// What is sent to the cluster port. DotNetty frames are a 4-byte little-endian length then the payload,
        /// bounded by <c>clusterlb.remote.maximum-frame-size = 128000b</c>.
        /// </summary>
        private static IEnumerable<(string Name, byte[] Bytes)> Garbage()
        {
            var random = new byte[64 * 1024];
            new Random(14).NextBytes(random);
            yield return ("64 KiB of random bytes", random);
            // 0x7FFFFFFF: a frame of 2 GiB - 1 announced, and a few bytes of it.
            yield return ("a 2 GiB frame header", [0xFF, 0xFF, 0xFF, 0x7F, 1, 2, 3, 4]);
            // 128001 = 0x0001F401: one byte over maximum-frame-size.
            yield return ("a frame header one byte over maximum-frame-size", [0x01, 0xF4, 0x01, 0x00, 1, 2, 3, 4]);
            yield return ("an HTTP request", Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
            // A well-formed 16-byte frame whose payload is no Akka PDU.
            yield return ("a small frame of garbage", [0x10, 0, 0, 0, .. random.AsSpan(4, 16)]);
            // A frame announced within the bound whose bytes never come.
            yield return ("a 1000-byte frame header and silence", [0xE8, 0x03, 0, 0]);
        }

        [Fact]
        public async Task A_plaintext_cluster_closes_every_bad_connection_and_keeps_members_and_registry()
        {
            await using var backend = await TestBackend.StartAsync("b1");
            await using var cluster = await LbCluster.StartAsync(output, 3, $$"""
                health-check { path = "/health", interval = 500ms }
                services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backend.Url}}" } ] } ]
                remote.connection-timeout = {{ConnectionTimeout}}
                """, throttled: false);
            var nodes = cluster.Indexes.Select(i => new ClusterNode(cluster.Api(i), cluster.ClusterPort(i), () => !cluster[i].System.WhenTerminated.IsCompleted)).ToArray();
            await AssertBadInputChangesNothingAsync(nodes);
        }

        [Fact]
        public async Task A_tls_cluster_closes_every_bad_connection_and_keeps_members_and_registry()
        {
            await using var backend = await TestBackend.StartAsync("b1");
            using var cluster = new ProcessCluster(output, 3, backend.Url);
            for (var i = 0; i < 3; i++)
            {
                await cluster.StartAsync(i, cluster.ConfigFor(i) + $"\nclusterlb.remote.connection-timeout = {ConnectionTimeout}\n");
            }
            await cluster.WaitForAgreementAsync([0, 1, 2], FormDeadline);
            var apis = Enumerable.Range(0, 3).Select(i => new AdminClient(cluster.AdminUrls[i]!, ProcessCluster.Token)).ToArray();
            try
            {
                var nodes = Enumerable.Range(0, 3).Select(i => new ClusterNode(apis[i], cluster.Ports[i], () => !cluster.Nodes[i]!.HasExited)).ToArray();
                await AssertBadInputChangesNothingAsync(nodes);
            }
            finally
            {
                foreach (var api in apis)
                {
                    api.Dispose();
                }
            }
        }

        private async Task AssertBadInputChangesNothingAsync(ClusterNode[] nodes)
        {
            var before = await SettledStateAsync(nodes);
            output.WriteLine($"before: {before}");

            // Every kind of garbage to every node at once; one connection each.
            var sent = Garbage().SelectMany(g => nodes.Select((node, i) => (g.Name, Node: i, Answer: RawTcp.SendAsync(node.Port, g.Bytes, CloseDeadline)))).ToArray();
            await Task.WhenAll(sent.Select(s => s.Answer));
            foreach (var (name, i, task) in sent)
            {
                var answer = await task;
                output.WriteLine($"cluster port of node {i + 1}, {name}: {answer.End} after {answer.Elapsed.TotalMilliseconds:0} ms, {answer.Text.Length} bytes back");
            }
            foreach (var (name, i, task) in sent)
            {
                var answer = await task;
                Assert.True(answer.Ended, $"node {i + 1} kept the connection open {CloseDeadline.TotalSeconds:0} s after {name}");
                if (name.EndsWith("silence", StringComparison.Ordinal))
                {
                    // Closed by the timeout (seen: 5.0 s plaintext, 7.0 s TLS), not by anything the bytes said.
                    Assert.True(answer.Elapsed >= TimeSpan.FromSeconds(4.5), $"node {i + 1} closed the silent connection after {answer.Elapsed}");
                }
            }
            Assert.All(nodes.Select((n, i) => (n, i)), x => Assert.True(x.n.Alive(), $"node {x.i + 1} exited"));

            // Same members (uids included), leader, registry version and pools on every node.
            Assert.Equal(before, await AgreedStateAsync(nodes));

            // The cluster still replicates: a pool created on node 1 reaches every node.
            var created = await nodes[0].Api.PostAsync("/api/pools", """{"id":"after-bad-input","service":"web","method":"random","priority":5}""");
            Assert.Equal(201, created.Status);
            await Poll.UntilAsync(async () =>
            {
                foreach (var node in nodes)
                {
                    var pools = await node.Api.GetAsync("/api/pools");
                    if (pools.Status != 200 || !pools.Body.EnumerateArray().Any(p => p.GetProperty("id").GetString() == "after-bad-input"))
                    {
                        return false;
                    }
                }
                return true;
            }, "the pool created after the bad input to reach every node", TimeSpan.FromSeconds(30));
            Assert.All(nodes, n => Assert.True(n.Alive()));
        }

        /// <summary>
        /// Waits until every node has shown the same membership and registry for 3 s, and returns that state:
        /// the nodes' start-up seeding of the registry may still be landing when they first agree (seen: v1, then v3).
        /// </summary>
        private static async Task<string> SettledStateAsync(ClusterNode[] nodes)
        {
            var settled = "";
            var since = DateTime.UtcNow;
            await Poll.UntilAsync(async () =>
            {
                var agreed = await AgreedStateAsync(nodes);
                if (agreed != settled)
                {
                    (settled, since) = (agreed, DateTime.UtcNow);
                }
                return DateTime.UtcNow - since >= TimeSpan.FromSeconds(3);
            }, "every node to show the same members, leader, registry version and pools for 3 s", FormDeadline, TimeSpan.FromMilliseconds(500));
            return settled;
        }

        /// <summary>Waits until every node shows the same membership and registry, and returns that state.</summary>
        private static async Task<string> AgreedStateAsync(ClusterNode[] nodes)
        {
            var states = Array.Empty<string>();
            await Poll.UntilAsync(async () =>
            {
                states = await Task.WhenAll(nodes.Select(StateAsync));
                return states.All(s => s.Length > 0) && states.Distinct().Count() == 1;
            }, "every node to show the same members, leader, registry version and pools", FormDeadline, TimeSpan.FromMilliseconds(200));
            return states[0];
        }

        /// <summary>Leader and members with uids, registry version, pools and hosts as one node sees them; empty while it cannot say.</summary>
        private static async Task<string> StateAsync(ClusterNode node)
        {
            var view = await node.Api.GetAsync("/cluster/status");
            var status = await node.Api.GetAsync("/status");
            var pools = await node.Api.GetAsync("/api/pools");
            if (view.Status != 200 || status.Status != 200 || pools.Status != 200 || !view.Body.GetProperty("convergence").GetBoolean())
            {
                return "";
            }
            return $"{ProcessCluster.Fingerprint(view.Body)} | registry v{status.Body.GetProperty("registry").GetProperty("version").GetInt64()} | {PoolsFingerprint(pools.Body)}";
        }

        private sealed record ClusterNode(AdminClient Api, int Port, Func<bool> Alive);
    }

    /// <summary>The proxy port: request smuggling, odd targets, CONNECT and slowloris, over raw sockets.</summary>
    public sealed class ProxyPort(ITestOutputHelper output)
    {
        /// <summary>Requests Kestrel refuses with 400 before anything is forwarded (the smuggled request inside included).</summary>
        public static TheoryData<string> Refused => [.. RefusedRequests.Keys];

        private static readonly ImmutableDictionary<string, string> RefusedRequests = new Dictionary<string, string>
        {
            ["duplicate Content-Length"] = $"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: {Smuggled.Length}\r\n\r\n{Smuggled}",
            ["Content-Length with a list value"] = $"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: {Smuggled.Length}, {Smuggled.Length}\r\n\r\n{Smuggled}",
            ["a space before the colon"] = $"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length : {Smuggled.Length}\r\n\r\n{Smuggled}",
            ["obs-fold (a header continuation line)"] = $"POST /a HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\nContent-Length: {Smuggled.Length}\r\n\r\n{Smuggled}",
            ["an unknown Transfer-Encoding"] = $"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n{Smuggled}",
            ["a Transfer-Encoding whose last coding is not chunked"] = $"POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n{Smuggled}",
            ["a NUL byte in a header value"] = $"GET /a HTTP/1.1\r\nHost: x\r\nX-Nul: a\0b\r\n\r\n{Smuggled}",
            ["an absolute-form target naming another host"] = $"GET http://elsewhere.example/a HTTP/1.1\r\nHost: x\r\n\r\n{Smuggled}",
        }.ToImmutableDictionary();

        [Theory]
        [MemberData(nameof(Refused))]
        public async Task A_smuggling_attempt_gets_400_and_nothing_reaches_the_backend(string attempt)
        {
            await using var harness = await StartAsync();
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port, RefusedRequests[attempt]);
            output.WriteLine($"{attempt}: {answer}");
            Assert.Equal(400, answer.Status);
            Assert.Equal(1, answer.Responses);
            Assert.True(answer.Ended, "the connection is closed after the 400");
            Assert.Empty(harness.Backends[0].Received);
        }

        [Fact]
        public async Task Content_length_with_chunked_is_read_as_chunked_and_the_connection_closed()
        {
            await using var harness = await StartAsync();
            // Content-Length 4 would take "0\r\n\r" as the body and leave "\nGET /smuggled" as the next request;
            // Kestrel ignores Content-Length when Transfer-Encoding is chunked (RFC 9112 6.1) and closes afterwards.
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port,
                $"POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n{Smuggled}");
            output.WriteLine(answer.ToString());
            Assert.Equal(200, answer.Status);
            Assert.Equal(1, answer.Responses);
            Assert.True(answer.Ended, "Kestrel closes a connection whose request had both headers");
            var received = Assert.Single(harness.Backends[0].Received);
            Assert.Equal(("POST", "/a", ""), (received.Method, received.Target, received.Body));
        }

        [Fact]
        public async Task Bare_lf_line_endings_are_framed_like_crlf()
        {
            await using var harness = await StartAsync();
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port,
                "POST /lf HTTP/1.1\nHost: x\nContent-Length: 5\n\nhelloGET /second HTTP/1.1\nHost: x\nConnection: close\n\n");
            output.WriteLine(answer.ToString());
            Assert.Equal(200, answer.Status);
            Assert.Equal(2, answer.Responses);
            Assert.Equal([("POST", "/lf", "hello"), ("GET", "/second", "")],
                harness.Backends[0].Received.Select(r => (r.Method, r.Target, r.Body)));
        }

        [Fact]
        public async Task An_invalid_chunk_size_gets_400_and_nothing_after_it_reaches_the_backend()
        {
            await using var harness = await StartAsync();
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port,
                $"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n{Smuggled}");
            output.WriteLine($"{answer}; backend saw: {string.Join("; ", harness.Backends[0].Received)}");
            Assert.Equal(400, answer.Status);
            Assert.True(answer.Ended);
            // YARP had sent the headers on before it read the body: the backend saw the request start and its body cut.
            var received = Assert.Single(harness.Backends[0].Received);
            Assert.Equal(("POST", "/chunked"), (received.Method, received.Target));
            Assert.StartsWith("<body cut", received.Body, StringComparison.Ordinal);
        }

        [Fact]
        public async Task An_absolute_form_target_for_our_own_host_is_routed_to_the_pool()
        {
            await using var harness = await StartAsync();
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port,
                "GET http://x/abs?q=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            output.WriteLine(answer.ToString());
            Assert.Equal(200, answer.Status);
            Assert.Equal("b1", answer.Body);
            var received = Assert.Single(harness.Backends[0].Received);
            Assert.Equal(("GET", "/abs?q=1"), (received.Method, received.Target));
        }

        [Fact]
        public async Task Connect_gets_502_and_opens_no_tunnel()
        {
            await using var harness = await StartAsync();
            var backend = harness.Backends[0].Url;
            // If CONNECT opened a tunnel, the request after it would reach the backend as sent (Host: x). YARP refuses
            // the method (NotSupportedException at RequestCreation, logged as a forwarding warning) and answers 502;
            // Kestrel keeps the connection, so the next request is parsed and forwarded like any other (Host rewritten).
            var answer = await RawTcp.SendAsync(harness.Node.ProxyUrl.Port,
                $"CONNECT {backend.Authority} HTTP/1.1\r\nHost: {backend.Authority}\r\n\r\nGET /after-connect HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            output.WriteLine($"{answer}; backend saw: {string.Join("; ", harness.Backends[0].Received)}");
            Assert.Equal(502, answer.Status);
            Assert.Equal(2, answer.Responses);
            Assert.Contains("\r\n\r\nHTTP/1.1 200 OK", answer.Text, StringComparison.Ordinal);
            var received = Assert.Single(harness.Backends[0].Received);
            Assert.Equal(("GET", "/after-connect", backend.Authority), (received.Method, received.Target, received.Host));
        }

        [Fact]
        public async Task Slowloris_clients_are_cut_at_the_header_timeout_while_normal_requests_are_served()
        {
            const int slowClients = 50;
            await using var harness = await StartAsync("request-headers-timeout = 2s");
            var port = harness.Node.ProxyUrl.Port;

            var slow = Enumerable.Range(0, slowClients).Select(_ => DribbleAsync(port)).ToArray();
            // Normal requests meanwhile, each with its own deadline, until every slow client has been cut.
            var served = new List<TimeSpan>();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            while (!slow.All(t => t.IsCompleted))
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                using var response = await harness.Client.GetAsync("/normal", timeout.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                served.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started));
                // Pacing of the normal load (about 50 requests a second), not a synchronisation: the loop ends on the slow clients.
                await Task.Delay(20);
            }
            var answers = await Task.WhenAll(slow);

            Assert.NotEmpty(served);
            var firstCut = answers.Min(a => a.Elapsed);
            output.WriteLine($"{served.Count} normal requests served, the first after {served[0].TotalMilliseconds:0} ms; slow clients cut after "
                + $"{firstCut.TotalMilliseconds:0}..{answers.Max(a => a.Elapsed).TotalMilliseconds:0} ms: "
                + string.Join(", ", answers.GroupBy(a => $"{a.End} {a.StatusLine}").Select(g => $"{g.Count()} x {g.Key}")));
            Assert.All(answers, a =>
            {
                Assert.True(a.Ended, a.ToString());
                Assert.True(a.Text.Length == 0 || a.Status == 408, a.ToString());
                // Kestrel checks its timeouts on a 1 s heartbeat and allows one heartbeat of slack: a 2 s timeout was
                // seen to cut at 3.9-4.0 s (and ProxyLimitsTests' 1 s one at 3.0 s).
                Assert.InRange(a.Elapsed, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(6));
            });
            Assert.True(served[0] < firstCut, $"a normal request was served ({served[0]}) while every slow client was still connected (first cut {firstCut})");
            Assert.DoesNotContain(harness.Backends[0].Received, r => r.Target != "/normal");
        }

        /// <summary>Sends a request's headers one byte every 100 ms, never ending them, until the proxy ends the connection.</summary>
        private static async Task<RawAnswer> DribbleAsync(int port)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var reading = RawTcp.ReadToEndAsync(stream, TimeSpan.FromSeconds(15), started);
            try
            {
                await stream.WriteAsync("GET /slow-headers HTTP/1.1\r\nHost: x\r\nX-Slow: "u8.ToArray());
                // Pacing of the attack, not a synchronisation: the loop ends when the proxy ends the connection.
                while (!reading.IsCompleted)
                {
                    await stream.WriteAsync("a"u8.ToArray());
                    await Task.WhenAny(reading, Task.Delay(100));
                }
            }
            catch (IOException)
            {
                // The proxy closed the connection under a write: the read below says how.
            }
            return await reading;
        }

        private async Task<NodeHarness> StartAsync(string limits = "")
        {
            var backends = await NodeHarness.StartBackendsAsync("b1");
            var data = TempDirectory.Create();
            try
            {
                var config = ReferenceConfig.With($$"""
                    clusterlb {
                      node { name = "bad-input", data-dir = "{{data.Path}}" }
                      proxy.http { bind = "127.0.0.1", port = 0 }
                      proxy.limits { {{limits}} }
                      admin.port = 0
                      health-check { path = "/health", interval = 100ms }
                      services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backends[0].Url}}" } ] } ]
                    }
                    """, "bad-input.conf");
                var harness = await NodeHarness.StartAsync(output, backends, NodeConfigReader.Read(config), data);
                await harness.WaitForHealthAsync("b1", HostHealth.Up);
                return harness;
            }
            catch
            {
                data.Dispose();
                foreach (var backend in backends)
                {
                    await backend.DisposeAsync();
                }
                throw;
            }
        }
    }

    /// <summary>The admin port: tokens, bodies and garbage requests; none of them changes the registry.</summary>
    public sealed class AdminPort(ITestOutputHelper output)
    {
        private const string Token = "bad-input-token";
        private const string ValidPool = """{"id":"blue","service":"web","method":"random","priority":5}""";

        [Theory]
        [InlineData(null, "missing Authorization header")]
        [InlineData("wrong-token", "wrong admin token")]
        [InlineData("", "the Authorization header must be a single 'Bearer <token>'")]
        public async Task A_write_with_a_missing_or_wrong_token_gets_401_and_changes_nothing(string? token, string reason)
        {
            await using var harness = await StartAsync();
            var before = await StateAsync(harness);
            using var http = new HttpClient { BaseAddress = harness.Node.AdminUrl };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pools") { Content = new StringContent(ValidPool, Encoding.UTF8, "application/json") };
            if (token is { Length: > 0 })
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            else if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", "");
            }
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{(int)response.StatusCode} {body}");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            using var json = JsonDocument.Parse(body);
            Assert.Contains(reason, json.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(before, await StateAsync(harness));
        }

        public static TheoryData<string> BadBodies => [.. Bodies.Keys];

        /// <summary>Raw requests with a bad body, each to POST /api/pools with the token, and the answer each gets.</summary>
        private static readonly ImmutableDictionary<string, (string Request, int Status, string Error)> Bodies = new Dictionary<string, (string, int, string)>
        {
            ["an oversized body (Content-Length)"] = (Post($"{{\"id\":\"{new string('x', 70_000)}\"}}"), 413, "too-large"),
            ["an oversized chunked body"] = (PostChunked(new string(' ', 70_000) + ValidPool), 413, "too-large"),
            ["malformed JSON"] = (Post("""{"id":"blue","service":"web",}"""), 400, "invalid"),
            ["truncated JSON"] = (Post("""{"id":"blue","service":"w"""), 400, "invalid"),
            ["a JSON array"] = (Post("""[1,2]"""), 400, "invalid"),
            ["invalid UTF-8 in a string"] = (Post("{\"id\":\"bl\xFF\xFEue\",\"service\":\"web\",\"method\":\"random\"}"), 400, "invalid"),
            ["an overlong UTF-8 encoding"] = (Post("{\"id\":\"\xC0\xAF\",\"service\":\"web\"}"), 400, "invalid"),
            ["a lone UTF-8 continuation byte outside strings"] = (Post("{\x80\"id\":\"blue\"}"), 400, "invalid"),
            ["a chunked body with an invalid chunk size"] = (PostChunked(ValidPool).Replace($"{ValidPool.Length:x}\r\n", "zz\r\n", StringComparison.Ordinal), 400, "invalid"),
            ["a text/plain body"] = (Post(ValidPool, contentType: "text/plain"), 415, "unsupported-media-type"),
        }.ToImmutableDictionary();

        [Theory]
        [MemberData(nameof(BadBodies))]
        public async Task A_bad_body_gets_its_status_naming_field_body_and_changes_nothing(string body)
        {
            await using var harness = await StartAsync();
            var before = await StateAsync(harness);
            var (request, status, error) = Bodies[body];
            var answer = await RawTcp.SendAsync(harness.Node.AdminUrl.Port, request);
            output.WriteLine($"{body}: {answer}");
            Assert.Equal(status, answer.Status);
            using var json = JsonDocument.Parse(answer.Body);
            Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
            Assert.Equal("body", json.RootElement.GetProperty("field").GetString());
            Assert.Equal(before, await StateAsync(harness));
        }

        [Fact]
        public async Task A_body_shorter_than_its_content_length_changes_nothing()
        {
            await using var harness = await StartAsync();
            var before = await StateAsync(harness);
            var request = Post(ValidPool, contentLength: ValidPool.Length + 20);

            // Half-closed after the short body: Kestrel takes the FIN for the end of the connection and aborts the request.
            var halfClosed = await SendHalfClosedAsync(harness.Node.AdminUrl.Port, request);
            output.WriteLine($"half-closed: {halfClosed}");
            Assert.True(halfClosed.Ended, halfClosed.ToString());
            Assert.Equal(0, halfClosed.Status);

            // Left open after the short body: the read waits for the missing bytes until the connection is cut.
            var stalled = await RawTcp.SendAsync(harness.Node.AdminUrl.Port, request, TimeSpan.FromSeconds(30));
            output.WriteLine($"stalled: {stalled}");
            Assert.True(stalled.Ended, stalled.ToString());
            Assert.Equal(408, stalled.Status);
            using var json = JsonDocument.Parse(stalled.Body);
            Assert.Equal(("timeout", "body"), (json.RootElement.GetProperty("error").GetString(), json.RootElement.GetProperty("field").GetString()));

            Assert.Equal(before, await StateAsync(harness));
        }

        [Fact]
        public async Task Invalid_utf8_is_named_with_its_offset()
        {
            await using var harness = await StartAsync();
            using var api = new AdminClient(harness.Node.AdminUrl, Token);
            using var http = new HttpClient { BaseAddress = harness.Node.AdminUrl };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/pools")
            {
                Content = new ByteArrayContent([.. "{\"id\":\"bl"u8, 0xFF, .. "ue\",\"service\":\"web\"}"u8]),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine(text);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var json = JsonDocument.Parse(text);
            Assert.Equal(("invalid", "body"), (json.RootElement.GetProperty("error").GetString(), json.RootElement.GetProperty("field").GetString()));
            Assert.Contains("not valid UTF-8", json.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Contains("offset 9", json.RootElement.GetProperty("reason").GetString(), StringComparison.Ordinal);
            Assert.Equal(404, (await api.GetAsync("/api/pools/blue")).Status);
        }

        /// <summary>Garbage requests and the answer each was seen to get.</summary>
        [Theory]
        [InlineData("FOO /api/pools HTTP/1.1", true, 405)]
        [InlineData("PATCH /api/pools/main HTTP/1.1", true, 405)]
        [InlineData("DELETE /status HTTP/1.1", false, 405)]
        [InlineData("GET /api/no-such-thing HTTP/1.1", true, 404)]
        [InlineData("GET /no-such-thing HTTP/1.1", false, 404)]
        [InlineData("GET /api/pools/%00 HTTP/1.1", true, 400)]
        [InlineData("G@T /api/pools HTTP/1.1", true, 400)]
        [InlineData("GET api/pools HTTP/1.1", true, 400)]
        [InlineData("GET /api/pools HTTP/2.5", true, 505)]
        [InlineData("GET /api/pools HTTP/1.1 extra", true, 400)]
        [InlineData("LONG", true, 414)]
        public async Task A_garbage_request_gets_a_clear_status_and_changes_nothing(string requestLine, bool withToken, int status)
        {
            await using var harness = await StartAsync();
            var before = await StateAsync(harness);
            if (requestLine == "LONG")
            {
                requestLine = $"GET /api/pools/{new string('p', 10_000)} HTTP/1.1";
            }
            var authorization = withToken ? $"Authorization: Bearer {Token}\r\n" : "";
            var answer = await RawTcp.SendAsync(harness.Node.AdminUrl.Port, $"{requestLine}\r\nHost: x\r\n{authorization}Connection: close\r\n\r\n");
            output.WriteLine($"{(requestLine.Length > 60 ? requestLine[..60] + "..." : requestLine)}: {answer}");
            Assert.Equal(status, answer.Status);
            Assert.Equal(before, await StateAsync(harness));
        }

        private static string Post(string body, string contentType = "application/json", int? contentLength = null) =>
            $"POST /api/pools HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Token}\r\nContent-Type: {contentType}\r\n"
            + $"Content-Length: {contentLength ?? Encoding.Latin1.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

        private static string PostChunked(string body) =>
            $"POST /api/pools HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {Token}\r\nContent-Type: application/json\r\n"
            + $"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            + string.Concat(body.Chunk(8000).Select(c => $"{c.Length:x}\r\n{new string(c)}\r\n")) + "0\r\n\r\n";

        /// <summary>Sends <paramref name="request"/>, then closes the sending half: the body ends early.</summary>
        private static async Task<RawAnswer> SendHalfClosedAsync(int port, string request)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request));
            client.Client.Shutdown(SocketShutdown.Send);
            return await RawTcp.ReadToEndAsync(stream, RawTcp.DefaultDeadline);
        }

        /// <summary>The registry version, the pools and hosts: what no refused request may change.</summary>
        private static async Task<string> StateAsync(NodeHarness harness)
        {
            using var api = new AdminClient(harness.Node.AdminUrl, Token);
            var status = await api.GetAsync("/status");
            var pools = await api.GetAsync("/api/pools");
            Assert.Equal((200, 200), (status.Status, pools.Status));
            return $"registry v{status.Body.GetProperty("registry").GetProperty("version").GetInt64()} | {PoolsFingerprint(pools.Body)}";
        }

        private async Task<NodeHarness> StartAsync()
        {
            var backends = await NodeHarness.StartBackendsAsync("b1");
            var proxy = ProxySettings.Loopback with { Http2 = null, AdminAccess = new AdminAccessSettings(Token, ProtectStatus: false) };
            var harness = await NodeHarness.StartAsync(output, backends, proxy,
                new Balancing.Settings.ServiceSettings("web", Balancing.Settings.ServiceMatch.Any, [NodeHarness.Pool("main", 0, backends)]));
            await harness.WaitForHealthAsync("b1", HostHealth.Up);
            return harness;
        }
    }

    /// <summary>Every pool as <c>id method priority: host=address wN state, ...</c>, in order.</summary>
    private static string PoolsFingerprint(JsonElement pools) =>
        string.Join("; ", pools.EnumerateArray().Select(p =>
            $"{p.GetProperty("id").GetString()} {p.GetProperty("method").GetString()} {p.GetProperty("priority").GetInt32()}: "
            + string.Join(", ", p.GetProperty("hosts").EnumerateArray()
                .Select(h => $"{h.GetProperty("id").GetString()}={h.GetProperty("address").GetString()} w{h.GetProperty("weight").GetInt32()} {h.GetProperty("state").GetString()}")
                .Order(StringComparer.Ordinal))));
}
