namespace ClusterLb.Tests.Shared;

/// <summary>
/// What the environment provides. Under <c>CI=true</c> a missing prerequisite fails the tests that need it instead of
/// skipping them. Compiled into each test project that needs it (linked source, not a project: test projects here
/// are all test hosts).
/// </summary>
public static class Prerequisites
{
    /// <summary>The environment variable holding the PostgreSQL connection string.</summary>
    public const string PostgresVariable = "CLUSTERLB_POSTGRES";

    /// <summary>True under CI, where nothing may be skipped for lack of a prerequisite.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The configured connection string, or null.</summary>
    public static string? PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    /// <summary>Why a PostgreSQL test is skipped, or null when it must run (server configured, or CI).</summary>
    public static string? PostgresSkipReason =>
        PostgresConnectionString is null && !IsCi
            ? $"{PostgresVariable} is not set (run .ci/run's install_postgres or export a connection string); skipped outside CI."
            : null;

    /// <summary>The connection string, or a loud failure naming what is missing.</summary>
    public static string RequirePostgres() =>
        PostgresConnectionString ?? throw new InvalidOperationException(
            $"CI=true but {PostgresVariable} is not set: PostgreSQL tests cannot run. .ci/run's install_postgres should export it.");

    /// <summary>
    /// What a network-namespace test lacks (Linux, root, <c>ip</c> from iproute2, <c>iptables</c>), or null when
    /// it has everything. Tools are looked up on PATH and in the sbin directories a non-root PATH often omits.
    /// </summary>
    public static string? NetworkNamespaceMissing { get; } = FindNetworkNamespaceGap();

    /// <summary>Why a network-namespace test is skipped, or null when it must run (prerequisites present, or CI).</summary>
    public static string? NetworkNamespaceSkipReason =>
        NetworkNamespaceMissing is { } missing && !IsCi ? $"{missing}; skipped outside CI (.ci/run installs iproute2 and iptables as root)." : null;

    /// <summary>Fails loudly (under CI, or whenever a test runs without the skip) when a prerequisite is missing.</summary>
    public static void RequireNetworkNamespaces()
    {
        if (NetworkNamespaceMissing is { } missing)
        {
            throw new InvalidOperationException($"{(IsCi ? "CI=true but " : "")}{missing}: network-namespace tests cannot run.");
        }
    }

    /// <summary>The full path of Prometheus' <c>promtool</c> (Debian package <c>prometheus</c>), or null.</summary>
    public static string? Promtool { get; } = FindTool("promtool");

    /// <summary>Why a promtool test is skipped, or null when it must run (promtool present, or CI).</summary>
    public static string? PromtoolSkipReason =>
        Promtool is null && !IsCi ? "'promtool' not found (Debian package prometheus; .ci/run installs it as root); skipped outside CI." : null;

    /// <summary>promtool's path, or a loud failure naming the missing package.</summary>
    public static string RequirePromtool() =>
        Promtool ?? throw new InvalidOperationException($"{(IsCi ? "CI=true but " : "")}'promtool' (Debian package prometheus) is not installed: /metrics cannot be checked by Prometheus' parser.");

    /// <summary>The full path of Debian's <c>chromium</c> (the browser the dashboard tests drive with Playwright), or null.</summary>
    public static string? Chromium { get; } = FindTool("chromium");

    /// <summary>Why a browser test is skipped, or null when it must run (chromium present, or CI).</summary>
    public static string? ChromiumSkipReason =>
        Chromium is null && !IsCi ? "'chromium' not found (Debian package chromium; .ci/run installs it as root); skipped outside CI." : null;

    /// <summary>chromium's path, or a loud failure naming the missing package.</summary>
    public static string RequireChromium() =>
        Chromium ?? throw new InvalidOperationException($"{(IsCi ? "CI=true but " : "")}'chromium' (Debian package chromium) is not installed: the dashboard cannot be tested in a browser.");

    /// <summary>
    /// What the Kubernetes schema check lacks (Node.js, or the npm package kubernetes-models installed in
    /// <c>tests/Shared/kubernetes-schema</c>), or null when it can run.
    /// </summary>
    public static string? KubernetesSchemaMissing { get; } = FindKubernetesSchemaGap();

    /// <summary>Why a Kubernetes schema test is skipped, or null when it must run (prerequisites present, or CI).</summary>
    public static string? KubernetesSchemaSkipReason =>
        KubernetesSchemaMissing is { } missing && !IsCi ? $"{missing}; skipped outside CI (.ci/run runs npm ci there)." : null;

    /// <summary>The schema check's script (<c>validate.mjs</c>), or a loud failure naming what is missing.</summary>
    public static string RequireKubernetesSchema() =>
        KubernetesSchemaMissing is { } missing
            ? throw new InvalidOperationException($"{(IsCi ? "CI=true but " : "")}{missing}: the Kubernetes manifests cannot be checked against the API schemas.")
            : Path.Combine(SharedDirectory("kubernetes-schema")!, "validate.mjs");

    /// <summary>The full path of <paramref name="tool"/>, or null.</summary>
    public static string? FindTool(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

    // tests/Shared/<name>, found above the test binaries (bin/Debug/net10.0 of a project under tests/).
    private static string? SharedDirectory(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Shared", name);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    private static string? FindKubernetesSchemaGap()
    {
        if (FindTool("node") is null)
        {
            return "'node' (Node.js) not found";
        }
        var dir = SharedDirectory("kubernetes-schema");
        if (dir is null)
        {
            return $"tests/Shared/kubernetes-schema not found above {AppContext.BaseDirectory}";
        }
        return Directory.Exists(Path.Combine(dir, "node_modules", "kubernetes-models"))
            ? null
            : $"the npm package kubernetes-models is not installed in {dir} (npm ci --prefix {dir})";
    }

    private static string? FindNetworkNamespaceGap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "network namespaces need Linux";
        }
        if (!Environment.IsPrivilegedProcess)
        {
            return "network namespaces and iptables need root";
        }
        var missing = new[] { ("ip", "iproute2"), ("iptables", "iptables") }.Where(t => FindTool(t.Item1) is null).Select(t => $"'{t.Item1}' (Debian package {t.Item2})").ToArray();
        return missing.Length > 0 ? $"{string.Join(" and ", missing)} not found" : null;
    }
}

/// <summary>
/// A fact that needs something of the machine: skipped outside CI when it is missing, run (and failing loudly
/// through the matching <c>Prerequisites.Require...</c>) under CI.
/// </summary>
/// <param name="skipReason">Why the test is skipped here, or null when it must run.</param>
[AttributeUsage(AttributeTargets.Method)]
public abstract class PrerequisiteFactAttribute(string? skipReason) : FactAttribute
{
    /// <inheritdoc />
    public override string? Skip { get; set; } = skipReason;
}

/// <summary>A fact that needs PostgreSQL (CLUSTERLB_POSTGRES).</summary>
public sealed class PostgresFactAttribute() : PrerequisiteFactAttribute(Prerequisites.PostgresSkipReason);

/// <summary>A fact that needs network namespaces and iptables (root, ip, iptables).</summary>
public sealed class NetworkNamespaceFactAttribute() : PrerequisiteFactAttribute(Prerequisites.NetworkNamespaceSkipReason);

/// <summary>A fact that needs Prometheus' promtool.</summary>
public sealed class PromtoolFactAttribute() : PrerequisiteFactAttribute(Prerequisites.PromtoolSkipReason);

/// <summary>A fact that needs Debian's chromium.</summary>
public sealed class ChromiumFactAttribute() : PrerequisiteFactAttribute(Prerequisites.ChromiumSkipReason);

/// <summary>A fact that needs the Kubernetes schema check (Node.js and kubernetes-models).</summary>
public sealed class KubernetesSchemaFactAttribute() : PrerequisiteFactAttribute(Prerequisites.KubernetesSchemaSkipReason);
