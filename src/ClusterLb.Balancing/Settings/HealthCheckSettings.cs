namespace ClusterLb.Balancing.Settings;

/// <summary>
/// Active HTTP checks of one host. A host goes down after <see cref="Fall"/> consecutive failed checks and comes
/// back after <see cref="Rise"/> consecutive good ones, so one lost probe neither ejects nor restores a host.
/// Detection time is roughly <c>Interval × Fall</c>; shorter intervals find failures sooner at the cost of
/// more probe traffic on every backend.
/// </summary>
/// <param name="Enabled">Whether active probes run at all.</param>
/// <param name="Path">Request path of the probe (GET).</param>
/// <param name="Interval">Time between probe starts.</param>
/// <param name="Timeout">A probe slower than this fails.</param>
/// <param name="Rise">Consecutive good probes that bring a down host back.</param>
/// <param name="Fall">Consecutive failed probes that take an up host down.</param>
/// <param name="HealthyStatuses">Status codes that count as a good probe.</param>
public sealed record HealthCheckSettings(
    bool Enabled,
    string Path,
    TimeSpan Interval,
    TimeSpan Timeout,
    int Rise,
    int Fall,
    StatusCodeSet HealthyStatuses)
{
    /// <summary>
    /// TCP and UDP hosts: the text (UTF-8) sent once connected, with HOCON's escapes (<c>"PING\r\n"</c>). Empty: a
    /// TCP check is a connect alone, and a UDP host is not checked actively.
    /// </summary>
    public string Send { get; init; } = string.Empty;

    /// <summary>TCP and UDP hosts: the text the host's first bytes must contain for a good check; empty accepts any (or no) answer over TCP.</summary>
    public string Expect { get; init; } = string.Empty;

    /// <summary>The defaults documented in <c>hocon/reference.conf</c>.</summary>
    public static HealthCheckSettings Default { get; } = new(
        Enabled: true,
        Path: "/",
        Interval: TimeSpan.FromSeconds(2),
        Timeout: TimeSpan.FromSeconds(1),
        Rise: 2,
        Fall: 3,
        HealthyStatuses: StatusCodeSet.Parse("200-399"));
}
