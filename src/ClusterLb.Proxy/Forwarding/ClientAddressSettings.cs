using System.Collections.Immutable;
using System.Net;

namespace ClusterLb.Proxy.Forwarding;

/// <summary>Which peers may tell the proxy who the client is (nginx's <c>set_real_ip_from</c> with <c>real_ip_recursive on</c>).</summary>
/// <param name="TrustedProxies">Networks of proxies in front of this one (<c>clusterlb.proxy.trusted-proxies</c>); empty trusts none.</param>
/// <param name="RealIpHeader">The header those proxies put the client in (<c>clusterlb.proxy.real-ip-header</c>).</param>
public sealed record ClientAddressSettings(ImmutableArray<IPNetwork> TrustedProxies, string RealIpHeader)
{
    /// <summary>Trusts no proxy: the client is the connection's peer.</summary>
    public static ClientAddressSettings None { get; } = new(ImmutableArray<IPNetwork>.Empty, "X-Forwarded-For");
}
