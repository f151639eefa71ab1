using System.Globalization;
using ClusterLb.Balancing.Settings;
using ClusterLb.Hocon;

namespace ClusterLb.Balancing.Discovery;

/// <summary>The <c>kubernetes</c> discovery block (<see cref="KubernetesDiscoverySettings"/>).</summary>
public static partial class DiscoveryConfigReader
{
    private static readonly HashSet<string> KubernetesKeys = new(StringComparer.Ordinal)
    {
        "type", "service", "namespace", "port", "scheme", "api-server", "token-file", "ca-file", "interval", "timeout", "weight", "write-interval",
    };

    private static KubernetesDiscoverySettings ReadKubernetes(Config c, HoconOrigin origin)
    {
        RefuseUnknownKeys(c, KubernetesKeys);
        var service = c.HasPath("service") ? c.GetString("service") : throw new HoconException(origin, "discovery.service is required: the name of the Kubernetes Service whose endpoints fill the pool");
        if (!IsDnsLabel(service) || !char.IsAsciiLetterLower(service[0]))
        {
            throw At(c, "service", $"discovery.service '{service}' is not a Service name (lower-case letters, digits and '-', starting with a letter, at most 63)");
        }
        string? ns = null;
        if (c.HasPath("namespace"))
        {
            ns = c.GetString("namespace");
            if (!IsDnsLabel(ns))
            {
                throw At(c, "namespace", $"discovery.namespace '{ns}' is not a namespace name (lower-case letters, digits and '-', at most 63; leave the key out for the pod's own namespace)");
            }
        }
        var port = c.HasPath("port") ? SlicePort(c, c.GetString("port")) : null;
        var scheme = c.GetString("scheme", "http");
        if (scheme is not ("http" or "https" or "tcp"))
        {
            throw At(c, "scheme", $"discovery.scheme '{scheme}' must be http, https or tcp (the slices' TCP ports)");
        }
        var apiServer = ApiServer(c, c.GetString("api-server", "").Trim());
        var weight = c.GetInt("weight", 1);
        if (weight is < 1 or > HostSettings.MaxWeight)
        {
            throw At(c, "weight", $"discovery.weight {weight} must be 1 to {HostSettings.MaxWeight}");
        }
        return new KubernetesDiscoverySettings(
            service, ns, port, scheme, apiServer,
            FilePath(c, "token-file", KubernetesDiscoverySettings.DefaultTokenFile),
            FilePath(c, "ca-file", KubernetesDiscoverySettings.DefaultCaFile),
            Positive(c, "interval", TimeSpan.FromSeconds(5)),
            Positive(c, "timeout", TimeSpan.FromSeconds(3)))
        {
            Weight = weight,
            WriteInterval = Positive(c, "write-interval", DiscoverySettings.DefaultWriteInterval),
        };
    }

    // A port number (written back without leading zeros) or a port name.
    private static string SlicePort(Config c, string port)
    {
        if (port.Length > 0 && port.All(char.IsAsciiDigit))
        {
            return int.TryParse(port, CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
                ? number.ToString(CultureInfo.InvariantCulture)
                : throw At(c, "port", $"discovery.port {port} must be 1 to 65535, or the name of a port of the EndpointSlices");
        }
        return IsDnsLabel(port)
            ? port
            : throw At(c, "port", $"discovery.port '{port}' is neither a port number nor a port name (lower-case letters, digits and '-', at most 63)");
    }

    // "" (in-cluster) or an http(s) URL with no query, fragment or user info; written back without a trailing slash.
    private static string ApiServer(Config c, string text)
    {
        if (text.Length == 0)
        {
            return "";
        }
        return Uri.TryCreate(text, UriKind.Absolute, out var api) && api.Scheme is ("https" or "http")
            && api.Query.Length == 0 && api.Fragment.Length == 0 && api.UserInfo.Length == 0
            ? text.TrimEnd('/')
            : throw At(c, "api-server", $"discovery.api-server '{text}' must be an http(s) URL like https://10.96.0.1:443, or \"\" for the in-cluster API server");
    }

    // A DNS-1123 label, as Kubernetes names namespaces, Services and ports.
    private static bool IsDnsLabel(string text) =>
        text.Length is > 0 and <= 63 && text.All(ch => char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '-') && text[0] != '-' && text[^1] != '-';

    private static string FilePath(Config c, string key, string fallback)
    {
        var path = c.GetString(key, fallback).Trim();
        return path.IndexOfAny(Path.GetInvalidPathChars()) < 0 && !path.Any(char.IsControl)
            ? path
            : throw At(c, key, $"discovery.{key} '{path}' is not a file path");
    }
}
