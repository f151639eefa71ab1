using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace ClusterLb.Proxy.Admin;

/// <summary>Checks <c>Authorization: Bearer &lt;token&gt;</c> against the configured admin token in constant time.</summary>
public sealed class BearerTokenCheck
{
    /// <summary>The reason given for every <c>/api/</c> request while no token is configured.</summary>
    public const string DisabledReason = "the admin API is disabled until clusterlb.admin.token is set";

    private const string Scheme = "Bearer ";
    private readonly byte[]? _expected;

    /// <summary>Creates the check; an empty token rejects every request.</summary>
    public BearerTokenCheck(string token) =>
        _expected = string.IsNullOrEmpty(token) ? null : Encoding.UTF8.GetBytes(token);

    /// <summary>Null when the request carries the token, else why it is refused.</summary>
    public string? Refusal(HttpRequest request)
    {
        if (_expected is null)
        {
            return DisabledReason;
        }
        var header = request.Headers[HeaderNames.Authorization];
        if (header.Count == 0)
        {
            return "missing Authorization header; send 'Authorization: Bearer <clusterlb.admin.token>'";
        }
        var value = header.Count == 1 ? header[0] : null;
        if (value is null || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return "the Authorization header must be a single 'Bearer <token>'";
        }
        var presented = Encoding.UTF8.GetBytes(value.AsSpan(Scheme.Length).Trim().ToString());
        // FixedTimeEquals leaks only the length, never how many leading bytes matched.
        return CryptographicOperations.FixedTimeEquals(presented, _expected) ? null : "wrong admin token";
    }
}
