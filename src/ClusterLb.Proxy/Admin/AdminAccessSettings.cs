namespace ClusterLb.Proxy.Admin;

/// <summary>Who may use the admin listener (<c>clusterlb.admin.token</c>, <c>clusterlb.admin.protect-status</c>).</summary>
/// <param name="Token">The bearer token every <c>/api/</c> request must carry; empty disables <c>/api/</c>.</param>
/// <param name="ProtectStatus">Require the token for <c>/status</c> as well.</param>
public sealed record AdminAccessSettings(string Token, bool ProtectStatus)
{
    /// <summary>No token: <c>/api/</c> is closed, <c>/status</c> is open (the reference.conf defaults).</summary>
    public static AdminAccessSettings Disabled { get; } = new(string.Empty, ProtectStatus: false);

    /// <summary>Whether a token is configured.</summary>
    public bool HasToken => Token.Length > 0;

    /// <inheritdoc />
    public override string ToString() => $"AdminAccessSettings {{ Token = {(HasToken ? "***" : "(none)")}, ProtectStatus = {ProtectStatus} }}";
}
