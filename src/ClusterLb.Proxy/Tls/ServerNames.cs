using System.Globalization;
using System.Net;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// The names a certificate is chosen for, as SNI carries them: ASCII (an IDN in its <c>xn--</c> form), lower case,
/// without a trailing dot; a wildcard is <c>*.</c> followed by at least two labels and covers exactly one more
/// leftmost label (RFC 6125: <c>*.b.example</c> covers <c>x.b.example</c>, not <c>b.example</c> or <c>y.x.b.example</c>).
/// </summary>
public static class ServerNames
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    /// <summary>The normalised name, or null with <paramref name="problem"/> saying why it cannot be an SNI name.</summary>
    public static string? Normalize(string name, out string? problem)
    {
        problem = null;
        var text = name.Trim().TrimEnd('.');
        if (text.Length == 0)
        {
            problem = "is empty";
            return null;
        }
        if (IPAddress.TryParse(text.Trim('[', ']'), out _))
        {
            problem = "is an IP address; SNI never carries one (a client that connects by address gets the default certificate)";
            return null;
        }
        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        var rest = wildcard ? text[2..] : text;
        if (rest.Contains('*'))
        {
            problem = "may hold a wildcard only as its whole leftmost label, as in *.example.com";
            return null;
        }
        if (wildcard && !rest.Contains('.'))
        {
            problem = "is a wildcard over a top-level domain; write at least two labels after *. (as in *.example.com)";
            return null;
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(rest);
        }
        catch (ArgumentException)
        {
            problem = "is not a DNS name (letters, digits and hyphens in dot-separated labels)";
            return null;
        }
        ascii = ascii.ToLowerInvariant();
        return wildcard ? "*." + ascii : ascii;
    }

    /// <summary>Whether <paramref name="name"/> is a wildcard (<c>*.x</c>).</summary>
    public static bool IsWildcard(string name) => name.StartsWith("*.", StringComparison.Ordinal);
}
