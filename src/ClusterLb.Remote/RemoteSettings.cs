namespace ClusterLb.Remote;

/// <summary>
/// Every remoting knob with its default (the <c>clusterlb.remote</c> block of <c>reference.conf</c>).
/// Defaults follow Akka's where Akka has one.
/// </summary>
public sealed partial record RemoteSettings
{
    /// <summary>The wire protocol version this build speaks; peers with another version are refused.</summary>
    public const int CurrentProtocolVersion = 1;

    /// <summary>Akka's floor for the frame size: smaller limits break ordinary cluster gossip.</summary>
    public const int MinimumFrameSize = 32_000;

    /// <summary>The actor system name; peers with another name are refused.</summary>
    public string SystemName { get; init; } = "clusterlb";

    /// <summary>The address to bind. <c>0.0.0.0</c> binds every interface and then needs <see cref="PublicHostname"/>.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>The port to bind; 0 lets the OS choose.</summary>
    public int Port { get; init; } = 2552;

    /// <summary>The host name peers use to reach this node (the docker service name); empty means <see cref="Hostname"/>.</summary>
    public string PublicHostname { get; init; } = string.Empty;

    /// <summary>The port peers use to reach this node (a mapped port); 0 means the bound port.</summary>
    public int PublicPort { get; init; }

    /// <summary>The largest frame sent or accepted, in bytes. Larger outbound messages are dropped and logged.</summary>
    public int MaximumFrameSize { get; init; } = 128 * 1024;

    /// <summary>The shared cluster secret proven in the handshake (never sent). Empty allows any peer with the right system name.</summary>
    public string Secret { get; init; } = string.Empty;

    /// <summary>How long a handshake may take before the connection is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long an address stays gated (user messages dropped, no reconnects) after repeated failures.</summary>
    public TimeSpan RetryGateClosedFor { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed connection attempts before the gate closes.</summary>
    public int RetryGateAfterFailures { get; init; } = 3;

    /// <summary>The first reconnect delay; each failure doubles it up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest reconnect delay.</summary>
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>User messages queued per peer while waiting for the connection; beyond it new messages are dropped.</summary>
    public int OutboundQueueSize { get; init; } = 20_000;

    /// <summary>How often unacknowledged system messages are sent again.</summary>
    public TimeSpan SystemMessageResendInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Unacknowledged system messages kept per peer; overflowing it quarantines the peer, as in Akka.</summary>
    public int SystemMessageBufferSize { get; init; } = 20_000;

    /// <summary>The protocol version announced in handshakes; only tests change it.</summary>
    internal int ProtocolVersion { get; init; } = CurrentProtocolVersion;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public RemoteSettings Validate()
    {
        Require(!string.IsNullOrWhiteSpace(SystemName) && SystemName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'),
            "system-name", "must be non-empty and use letters, digits, '-' or '_'");
        Require(!string.IsNullOrWhiteSpace(Hostname), "hostname", "must not be empty");
        Require(Port is >= 0 and <= 65535, "port", "must be between 0 and 65535");
        Require(PublicPort is >= 0 and <= 65535, "public-port", "must be between 0 and 65535");
        Require(MaximumFrameSize >= MinimumFrameSize, "maximum-frame-size", $"must be at least {MinimumFrameSize} bytes");
        Require(HandshakeTimeout > TimeSpan.Zero, "handshake-timeout", "must be positive");
        Require(RetryGateClosedFor >= TimeSpan.Zero, "retry-gate-closed-for", "must not be negative");
        Require(RetryGateAfterFailures >= 1, "retry-gate-after-failures", "must be at least 1");
        Require(BackoffMin > TimeSpan.Zero && BackoffMax >= BackoffMin, "backoff", "min must be positive and max >= min");
        Require(OutboundQueueSize >= 1, "outbound-queue-size", "must be at least 1");
        Require(SystemMessageResendInterval > TimeSpan.Zero, "system-message-resend-interval", "must be positive");
        Require(SystemMessageBufferSize >= 1, "system-message-buffer-size", "must be at least 1");
        return this;
    }

    private static void Require(bool condition, string key, string message)
    {
        if (!condition)
        {
            throw new ArgumentException($"clusterlb.remote.{key} {message}.", key);
        }
    }
}
