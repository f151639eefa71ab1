using ClusterLb.Hocon;

namespace ClusterLb.Remote;

public sealed partial record RemoteSettings
{
    /// <summary>The configuration path of the remoting block.</summary>
    public const string ConfigPath = "clusterlb.remote";

    /// <summary>
    /// Reads <c>clusterlb.remote</c> from a resolved configuration; absent keys keep their defaults. Throws
    /// <see cref="HoconException"/> for a value of the wrong type and <see cref="ArgumentException"/> for an invalid one.
    /// </summary>
    public static RemoteSettings FromConfig(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = new RemoteSettings();
        var c = config.GetConfig(ConfigPath, Config.Empty);
        var frameSize = c.GetBytes("maximum-frame-size", d.MaximumFrameSize);
        if (frameSize > int.MaxValue)
        {
            throw new ArgumentException($"{ConfigPath}.maximum-frame-size must be below 2 GiB.", nameof(config));
        }

        return new RemoteSettings
        {
            SystemName = c.GetString("system-name", d.SystemName),
            Hostname = c.GetString("hostname", d.Hostname),
            Port = c.GetInt("port", d.Port),
            PublicHostname = c.GetString("public-hostname", d.PublicHostname),
            PublicPort = c.GetInt("public-port", d.PublicPort),
            MaximumFrameSize = (int)frameSize,
            Secret = c.GetString("secret", d.Secret),
            HandshakeTimeout = c.GetDuration("handshake-timeout", d.HandshakeTimeout),
            RetryGateClosedFor = c.GetDuration("retry-gate-closed-for", d.RetryGateClosedFor),
            RetryGateAfterFailures = c.GetInt("retry-gate-after-failures", d.RetryGateAfterFailures),
            BackoffMin = c.GetDuration("backoff.min", d.BackoffMin),
            BackoffMax = c.GetDuration("backoff.max", d.BackoffMax),
            OutboundQueueSize = c.GetInt("outbound-queue-size", d.OutboundQueueSize),
            SystemMessageResendInterval = c.GetDuration("system-message-resend-interval", d.SystemMessageResendInterval),
            SystemMessageBufferSize = c.GetInt("system-message-buffer-size", d.SystemMessageBufferSize),
        }.Validate();
    }
}
