namespace ClusterLb.Balancing.Settings;

/// <summary>How a pool keeps a client on the host it was first sent to.</summary>
public enum AffinityMode
{
    /// <summary>No affinity: every request is balanced by the pool's method.</summary>
    None,

    /// <summary>A cookie names the host (by an opaque id); every node honours it.</summary>
    StickyCookie,

    /// <summary>The client IP stays on its host until it has been idle for the timeout (kube-proxy's ClientIP affinity).</summary>
    ClientIp,
}

/// <summary>The SameSite attribute of the sticky cookie.</summary>
public enum CookieSameSite
{
    /// <summary><c>SameSite=Lax</c>.</summary>
    Lax,

    /// <summary><c>SameSite=Strict</c>.</summary>
    Strict,

    /// <summary><c>SameSite=None</c> (browsers then require Secure).</summary>
    None,
}

/// <summary>The sticky cookie the proxy issues.</summary>
/// <param name="Name">Cookie name.</param>
/// <param name="HttpOnly">Hide the cookie from scripts.</param>
/// <param name="SameSite">SameSite attribute.</param>
/// <param name="MaxAge">Lifetime; zero for a session cookie.</param>
/// <param name="Path">Cookie path.</param>
/// <remarks>Secure is set whenever the client connection is HTTPS.</remarks>
public sealed record StickyCookieSettings(string Name, bool HttpOnly, CookieSameSite SameSite, TimeSpan MaxAge, string Path)
{
    /// <summary>Defaults: <c>clb_affinity</c>, HttpOnly, SameSite=Lax, session cookie, path <c>/</c>.</summary>
    public static StickyCookieSettings Default { get; } = new("clb_affinity", true, CookieSameSite.Lax, TimeSpan.Zero, "/");
}

/// <summary>A pool's affinity.</summary>
/// <param name="Mode">Which affinity, if any.</param>
/// <param name="Cookie">The sticky cookie (used by <see cref="AffinityMode.StickyCookie"/>).</param>
/// <param name="ClientIpTimeout">Idle time after which a client IP is balanced afresh (<see cref="AffinityMode.ClientIp"/>).</param>
public sealed record AffinitySettings(AffinityMode Mode, StickyCookieSettings Cookie, TimeSpan ClientIpTimeout)
{
    /// <summary>kube-proxy's default ClientIP timeout: three hours.</summary>
    public static readonly TimeSpan DefaultClientIpTimeout = TimeSpan.FromHours(3);

    /// <summary>No affinity.</summary>
    public static AffinitySettings None { get; } = new(AffinityMode.None, StickyCookieSettings.Default, DefaultClientIpTimeout);
}
