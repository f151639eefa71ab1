using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;

namespace ClusterLb.Proxy.Admin.Dashboard;

/// <summary>One dashboard file: its bytes, content type and entity tag.</summary>
/// <param name="Content">The file as built into the assembly.</param>
/// <param name="ContentType">Its media type, with <c>charset=utf-8</c> for text.</param>
/// <param name="ETag">A strong tag from the content's hash, so a browser revalidates with a 304.</param>
internal sealed record DashboardAsset(byte[] Content, string ContentType, EntityTagHeaderValue ETag);

/// <summary>
/// The dashboard's files, read once from this assembly's embedded resources (logical names <c>dashboard/FILE</c>,
/// see the project file), by request path: <c>/dashboard/FILE</c>, and <c>/dashboard</c> for <c>index.html</c>.
/// </summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "dashboard/";

    /// <summary>The page itself.</summary>
    public const string IndexPath = "/dashboard";

    private static readonly FrozenDictionary<string, DashboardAsset> ByPath = Load();

    /// <summary>Every path served, for tests and the 404 hint.</summary>
    public static IEnumerable<string> Paths => ByPath.Keys.Order(StringComparer.Ordinal);

    /// <summary>The file at <paramref name="path"/> (no trailing slash), or null.</summary>
    public static DashboardAsset? Find(string path) => ByPath.GetValueOrDefault(path);

    private static FrozenDictionary<string, DashboardAsset> Load()
    {
        var assembly = typeof(DashboardAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        var assets = new Dictionary<string, DashboardAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var content = copy.ToArray();
            var file = name[ResourcePrefix.Length..];
            var type = types.TryGetContentType(file, out var known) ? known : "application/octet-stream";
            var asset = new DashboardAsset(
                content,
                type.StartsWith("text/", StringComparison.Ordinal) ? type + "; charset=utf-8" : type,
                new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..20]}\""));
            assets[$"{IndexPath}/{file}"] = asset;
            if (file == "index.html")
            {
                assets[IndexPath] = asset;
            }
        }
        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
