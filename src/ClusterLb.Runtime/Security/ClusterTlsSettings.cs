using ClusterLb.Hocon;

namespace ClusterLb.Runtime.Security;

/// <summary>
/// <c>clusterlb.cluster.tls</c>: the node's certificate (a .pfx) and the cluster CA that every peer's certificate
/// must chain to. Paths are relative to the working directory, like <c>clusterlb.node.data-dir</c>.
/// </summary>
/// <param name="Enabled">Whether TLS is wanted (<c>enabled</c>, on by default).</param>
/// <param name="CertificatePath">Absolute path of the node's .pfx, or empty when not set.</param>
/// <param name="Password">Password of the .pfx; empty for none.</param>
/// <param name="CaPath">Absolute path of the CA certificate (PEM or DER), or empty when not set.</param>
/// <param name="ValidateHostname">Also require the peer's certificate to name the host this node dialled.</param>
/// <param name="Origin">Where the tls block (or its <c>enabled</c> key) was written, for error messages.</param>
public sealed record ClusterTlsSettings(bool Enabled, string CertificatePath, string Password, string CaPath, bool ValidateHostname, HoconOrigin Origin)
{
    /// <summary>The block read.</summary>
    public const string Key = "clusterlb.cluster.tls";

    /// <summary>Whether both files are named.</summary>
    public bool HasFiles => CertificatePath.Length > 0 && CaPath.Length > 0;

    /// <summary>Reads the block; absent keys mean enabled with no files.</summary>
    public static ClusterTlsSettings Read(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tls = config.GetConfig(Key, Config.Empty);
        var origin = config.GetValue(Key + ".enabled")?.Origin ?? config.GetValue(Key)?.Origin ?? HoconOrigin.None;
        return new ClusterTlsSettings(
            tls.GetBool("enabled", true),
            FullPath(tls.GetString("certificate", "")),
            tls.GetString("password", ""),
            FullPath(tls.GetString("ca", "")),
            tls.GetBool("validate-hostname", false),
            origin);
    }

    private static string FullPath(string path) => path.Trim().Length == 0 ? "" : Path.GetFullPath(path.Trim());
}
