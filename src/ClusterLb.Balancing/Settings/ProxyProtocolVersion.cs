namespace ClusterLb.Balancing.Settings;

/// <summary>Whether a TCP service tells its hosts the client's address with a PROXY protocol header (HAProxy's send-proxy).</summary>
public enum ProxyProtocolVersion
{
    /// <summary>No header: the host sees the proxy's address.</summary>
    Off,

    /// <summary>The text header, <c>PROXY TCP4 client proxy cport pport\r\n</c>.</summary>
    V1,

    /// <summary>The binary header with its 12-byte signature.</summary>
    V2,
}
