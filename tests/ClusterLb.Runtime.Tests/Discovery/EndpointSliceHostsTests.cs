using ClusterLb.Balancing.Discovery;
using ClusterLb.Runtime.Discovery;
using k8s.Models;

namespace ClusterLb.Runtime.Tests.Discovery;

/// <summary>EndpointSlices to discovered hosts: the port chosen, readiness honoured, slices merged.</summary>
public sealed class EndpointSliceHostsTests
{
    private static KubernetesDiscoverySettings Settings(string? port = null, string scheme = "http", int weight = 1) =>
        new("web", "shop", port, scheme, "", "", "", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3)) { Weight = weight };

    private static V1Endpoint Endpoint(string address, bool? ready = true, bool? serving = null, bool? terminating = null, params string[] more) => new()
    {
        Addresses = [address, .. more],
        Conditions = new V1EndpointConditions { Ready = ready, Serving = serving, Terminating = terminating },
    };

    private static V1EndpointSlice Slice(string name, string addressType, (string? Name, int? Port, string? Protocol)[] ports, params V1Endpoint[] endpoints) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        AddressType = addressType,
        Ports = [.. ports.Select(p => new Discoveryv1EndpointPort { Name = p.Name, Port = p.Port, Protocol = p.Protocol })],
        Endpoints = endpoints,
    };

    private static string[] Hosts(IEnumerable<V1EndpointSlice> slices, KubernetesDiscoverySettings settings) =>
        [.. EndpointSliceHosts.From(slices, settings, "shop").Hosts.Select(h => $"{h.Address} {h.Weight}{(h.Draining ? " drain" : "")}")];

    [Fact]
    public void Ready_endpoints_are_up_terminating_serving_ones_drain_and_the_rest_are_left_out()
    {
        var slice = Slice("web-abc", "IPv4", [("http", 8080, "TCP")],
            Endpoint("10.0.0.1"),
            Endpoint("10.0.0.2", ready: null),
            Endpoint("10.0.0.3", ready: false),
            Endpoint("10.0.0.4", ready: false, serving: true, terminating: true),
            Endpoint("10.0.0.5", ready: false, serving: false, terminating: true),
            Endpoint("10.0.0.6", ready: false, serving: null, terminating: true),
            Endpoint("10.0.0.7", ready: false, serving: true, terminating: false),
            new V1Endpoint { Addresses = ["10.0.0.8"] });

        Assert.Equal(
            ["http://10.0.0.1:8080/ 1", "http://10.0.0.2:8080/ 1", "http://10.0.0.4:8080/ 1 drain", "http://10.0.0.8:8080/ 1"],
            Hosts([slice], Settings()));
    }

    [Fact]
    public void The_port_is_chosen_by_name_by_number_or_as_the_first_tcp_port()
    {
        var slice = Slice("web-abc", "IPv4", [("dns", 53, "UDP"), ("metrics", 9090, null), ("http", 8080, "TCP")], Endpoint("10.0.0.1"));

        Assert.Equal(["http://10.0.0.1:9090/ 1"], Hosts([slice], Settings()));
        Assert.Equal(["http://10.0.0.1:8080/ 1"], Hosts([slice], Settings("http")));
        Assert.Equal(["http://10.0.0.1:8080/ 1"], Hosts([slice], Settings("8080")));
        Assert.Empty(Hosts([slice], Settings("dns")));
        var (hosts, note) = EndpointSliceHosts.From([slice], Settings("grpc"), "shop");
        Assert.Empty(hosts);
        Assert.Equal("1 of 1 EndpointSlices have no TCP port named grpc and give no hosts: web-abc", note);
    }

    [Fact]
    public void Slices_merge_an_endpoint_listed_twice_counts_once_and_up_wins_over_draining()
    {
        var a = Slice("web-a", "IPv4", [("http", 8080, null)], Endpoint("10.0.0.1"), Endpoint("10.0.0.2", ready: false, serving: true, terminating: true));
        var b = Slice("web-b", "IPv4", [("http", 8080, null)], Endpoint("10.0.0.2"), Endpoint("10.0.0.1", ready: false, serving: true, terminating: true));
        var c = Slice("web-c", "IPv4", [("http", 9000, null)], Endpoint("10.0.0.3", more: "10.0.0.33"));

        Assert.Equal(["http://10.0.0.1:8080/ 3", "http://10.0.0.2:8080/ 3", "http://10.0.0.3:9000/ 3"], Hosts([c, b, a], Settings("http", weight: 3)));
    }

    [Fact]
    public void Ipv6_and_fqdn_slices_give_hosts_and_an_address_that_is_not_of_its_slice_type_is_left_out()
    {
        var v6 = Slice("web-v6", "IPv6", [("http", 8443, null)], Endpoint("fd00::5"), Endpoint("10.0.0.9"));
        var fqdn = Slice("web-dns", "FQDN", [("http", 8443, null)], Endpoint("api-1.shop.svc"), Endpoint("not a name"));

        Assert.Equal(["https://api-1.shop.svc:8443/ 1", "https://[fd00::5]:8443/ 1"], Hosts([v6, fqdn], Settings(scheme: "https")));
        Assert.Equal(["api-1.shop.svc-8443", "fd00--5-8443"], EndpointSliceHosts.From([v6, fqdn], Settings(), "shop").Hosts.Select(h => h.Id));
    }

    [Fact]
    public void No_slices_is_an_empty_set_with_a_note_and_slices_without_endpoints_are_an_empty_set_without_one()
    {
        var none = EndpointSliceHosts.From([], Settings(), "shop");
        Assert.Empty(none.Hosts);
        Assert.Equal("no EndpointSlices labelled kubernetes.io/service-name=web in namespace shop (is the Service there, with a selector?)", none.Note);

        var empty = EndpointSliceHosts.From([Slice("web-abc", "IPv4", [("http", 8080, null)])], Settings(), "shop");
        Assert.Empty(empty.Hosts);
        Assert.Equal("", empty.Note);
    }
}
