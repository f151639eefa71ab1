using ClusterLb.Balancing.Discovery;
using ClusterLb.Balancing.Health;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Tests;

/// <summary>Services with <c>protocol = tcp</c> or <c>udp</c>: their keys and defaults, and each misuse refused where it stands.</summary>
public class StreamServiceConfigTests
{
    private static BalancingSettings Read(string services) =>
        BalancingConfigReader.Read(ConfigFactory.ParseString($"clusterlb.services {{\n{services}\n}}", "services.conf").Resolve());

    private static string Refusal(string services) => string.Join("\n", Assert.Throws<SettingsException>(() => Read(services)).Errors);

    [Fact]
    public void A_tcp_service_reads_its_listener_with_the_defaults()
    {
        var pg = Read("""pg { protocol = tcp, listen = "0.0.0.0:5432", pools = [{ hosts = ["tcp://10.0.0.5:5432", "tcp://db-2.internal:5432"] }] }""").Services.Single();

        Assert.Equal(ServiceProtocol.Tcp, pg.Protocol);
        Assert.Equal(new StreamListenerSettings("0.0.0.0", 5432, TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(2), ProxyProtocolVersion.Off, 0, 0), pg.Stream);
        Assert.Equal("0.0.0.0:5432", pg.Stream!.Listen);
        Assert.Equal(["tcp://10.0.0.5:5432/", "tcp://db-2.internal:5432/"], pg.Pools.Single().Hosts.Select(h => h.Address.ToString()));
    }

    [Fact]
    public void Every_stream_key_reads_as_written_and_udp_has_its_own_defaults()
    {
        var settings = Read("""
            pg { protocol = tcp, listen = "[::]:5432", idle-timeout = 1h, connect-timeout = 500ms, proxy-protocol = v2, max-connections = 100
                 pools = [{ method = ip-hash, hosts = ["tcp://[fd00::5]:5432"], health-check { send = "PING\r\n", expect = "+PONG" } }] }
            dns { protocol = udp, listen = ":53", max-packets-per-second = 50, pools = [{ hosts = ["udp://10.0.0.53:53"], affinity { type = client-ip } }] }
            """);
        var pg = settings.Services.Single(s => s.Name == "pg");
        var dns = settings.Services.Single(s => s.Name == "dns");

        Assert.Equal(new StreamListenerSettings("::", 5432, TimeSpan.FromHours(1), TimeSpan.FromMilliseconds(500), ProxyProtocolVersion.V2, 100, 0), pg.Stream);
        Assert.Equal("[::]:5432", pg.Stream!.Listen);
        Assert.Equal(("PING\r\n", "+PONG"), (pg.Pools[0].HealthCheck.Send, pg.Pools[0].HealthCheck.Expect));
        Assert.Equal(ServiceProtocol.Udp, dns.Protocol);
        Assert.Equal(new StreamListenerSettings("0.0.0.0", 53, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(2), ProxyProtocolVersion.Off, 10_000, 50), dns.Stream);
    }

    [Fact]
    public void A_host_gets_the_probe_of_its_scheme()
    {
        using var client = new HttpMessageInvoker(new SocketsHttpHandler());
        var checks = HealthCheckSettings.Default;

        Assert.IsType<HttpHealthProbe>(HealthProbes.For(new Uri("http://10.0.0.1:80"), checks, client));
        Assert.Equal("tcp://10.0.0.1:5432", Assert.IsType<TcpHealthProbe>(HealthProbes.For(new Uri("tcp://10.0.0.1:5432"), checks, client)).Target);
        Assert.Null(HealthProbes.For(new Uri("udp://10.0.0.1:53"), checks, client));
        Assert.IsType<UdpHealthProbe>(HealthProbes.For(new Uri("udp://10.0.0.1:53"), checks with { Send = "ping" }, client));
    }

    [Theory]
    [InlineData("""s { protocol = tcp, pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "services.conf:2:3: clusterlb.services.s: protocol = tcp needs listen")]
    [InlineData("""s { protocol = sctp, listen = ":1", pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "services.conf:2:16: clusterlb.services.s: protocol 'sctp' must be http, tcp or udp")]
    [InlineData("""s { listen = ":5432", pools = [{ hosts = ["http://10.0.0.5"] }] }""", "services.conf:2:14: clusterlb.services.s: listen is for protocol = tcp or udp")]
    [InlineData("""s { protocol = tcp, listen = "db:5432", pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "clusterlb.services.s: listen 'db:5432': 'db' is not an IP address")]
    [InlineData("""s { protocol = tcp, listen = "0.0.0.0", pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "must be \"address:port\"")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ hosts = ["http://10.0.0.5:5432"] }] }""", "clusterlb.services.s.pools[0].hosts[0].address: 'http://10.0.0.5:5432/' must be tcp://host:port (a host and a port, no path) in a tcp service.")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ hosts = ["tcp://10.0.0.5"] }] }""", "'tcp://10.0.0.5/' must be tcp://host:port")]
    [InlineData("""s { protocol = udp, listen = ":53", pools = [{ hosts = ["tcp://10.0.0.5:53"] }] }""", "must be udp://host:port")]
    [InlineData("""s { pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "'tcp://10.0.0.5:5432/' must be an absolute http:// or https:// URI in a http service.")]
    [InlineData("""s { protocol = tcp, listen = ":5432", match { path-prefix = "/api" }, pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "clusterlb.services.s.match: a tcp service takes every connection on its listener")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ hosts = ["tcp://10.0.0.5:5432"], affinity { type = sticky-cookie } }] }""", "affinity.type: a tcp service has no cookies")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ method = hash, hash-key = "header:X-User", hosts = ["tcp://10.0.0.5:5432"] }] }""", "hash-key: a tcp connection has no 'header:X-User'")]
    [InlineData("""s { protocol = udp, listen = ":53", proxy-protocol = v1, pools = [{ hosts = ["udp://10.0.0.5:53"] }] }""", "proxy-protocol: the PROXY protocol header is sent on TCP connections")]
    [InlineData("""s { protocol = tcp, listen = ":5432", proxy-protocol = v3, pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "proxy-protocol 'v3' must be off, v1 or v2")]
    [InlineData("""s { protocol = tcp, listen = ":5432", idle-timeout = 0s, pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }""", "clusterlb.services.s.idle-timeout: must be positive")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ discovery { type = dns, name = db.internal, port = 5432 } }] }""", "discovery.scheme: a tcp pool's hosts are tcp:// addresses; set scheme = tcp (was http)")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ discovery { type = akka-cluster, role = db } }] }""", "akka-cluster discovery finds HTTP endpoints")]
    [InlineData("""s { protocol = tcp, listen = ":5432", pools = [{ discovery { type = dns, name = db.internal, scheme = tcp } }] }""", "discovery.port is required with scheme = tcp")]
    public void A_misused_stream_key_is_refused_with_where_and_why(string services, string reason)
    {
        Assert.Contains(reason, Refusal(services));
    }

    [Fact]
    public void Two_services_cannot_share_a_port_of_one_protocol_but_tcp_and_udp_can()
    {
        var refusal = Refusal("""
            a { protocol = tcp, listen = ":5432", pools = [{ hosts = ["tcp://10.0.0.5:5432"] }] }
            b { protocol = tcp, listen = "127.0.0.1:5432", pools = [{ hosts = ["tcp://10.0.0.6:5432"] }] }
            """);
        Assert.Contains("services.conf:3:3: clusterlb.services.b.listen: tcp port 5432 is already the listener of clusterlb.services.a.", refusal);

        var both = Read("""
            tcp53 { protocol = tcp, listen = ":53", pools = [{ hosts = ["tcp://10.0.0.53:53"] }] }
            udp53 { protocol = udp, listen = ":53", pools = [{ discovery { type = dns, name = ns.internal, port = 53, scheme = udp } }] }
            """);
        Assert.Equal(2, both.Services.Length);
        Assert.Equal("udp", Assert.IsType<DnsDiscoverySettings>(both.Services[1].Pools[0].Discovery).Scheme);
    }
}
