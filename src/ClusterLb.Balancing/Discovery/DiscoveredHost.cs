using System.Text;
using ClusterLb.Balancing.Registry;
using ClusterLb.Balancing.Settings;

namespace ClusterLb.Balancing.Discovery;

/// <summary>One host a discovery source reports.</summary>
/// <param name="Address">Where the proxy forwards to, such as <c>http://10.0.0.5:8080/</c>.</param>
/// <param name="Weight">Relative share (1 to <see cref="HostSettings.MaxWeight"/>).</param>
public sealed record DiscoveredHost(Uri Address, int Weight)
{
    /// <summary>
    /// The source says the host is going away (a backend leaving the cluster, a terminating endpoint): it is written
    /// with state <see cref="HostAdminState.Drain"/>, so it gets no new requests while its requests in flight finish.
    /// </summary>
    public bool Draining { get; init; }

    /// <summary>
    /// The registry id of the host: its address's host and port (<c>10.0.0.5-8080</c>, <c>fd00--5-8080</c>), so the
    /// same endpoint keeps its id, its health and its hash position across resolutions and on every node.
    /// </summary>
    public string Id
    {
        get
        {
            var id = new StringBuilder(Address.IdnHost.Length + 6);
            foreach (var c in Address.IdnHost)
            {
                id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? char.ToLowerInvariant(c) : '-');
            }
            id.Append('-').Append(Address.Port);
            return id.Length <= RegistryValidator.MaxIdLength ? id.ToString() : id.ToString(id.Length - RegistryValidator.MaxIdLength, RegistryValidator.MaxIdLength);
        }
    }
}
