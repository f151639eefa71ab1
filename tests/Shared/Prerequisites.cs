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

    /// <summary>The full path of <c>kubernetes-validate</c> (PyPI package kubernetes-validate, schemas bundled), or null.</summary>
    public static string? KubernetesValidate { get; } = FindTool("kubernetes-validate");

    /// <summary>Why a manifest validation test is skipped, or null when it must run (tool present, or CI).</summary>
    public static string? KubernetesValidateSkipReason =>
        KubernetesValidate is null && !IsCi ? "'kubernetes-validate' not found (pip install kubernetes-validate==1.37.0; .ci/run installs it as root); skipped outside CI." : null;

    /// <summary>kubernetes-validate's path, or a loud failure naming the missing package.</summary>
    public static string RequireKubernetesValidate() =>
        KubernetesValidate ?? throw new InvalidOperationException($"{(IsCi ? "CI=true but " : "")}'kubernetes-validate' (PyPI package kubernetes-validate) is not installed: the Kubernetes manifests cannot be checked against the API schemas.");

    /// <summary>The full path of <paramref name="tool"/>, or null.</summary>
    public static string? FindTool(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(dir => Path.Combine(dir, tool))
            .FirstOrDefault(File.Exists);

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

/// <summary>A fact that needs PostgreSQL: skipped outside CI when CLUSTERLB_POSTGRES is unset, run (and failing) under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when PostgreSQL is missing outside CI.</summary>
    public PostgresFactAttribute()
    {
        if (Prerequisites.PostgresSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>
/// A fact that needs network namespaces and iptables: skipped outside CI when not root or when ip/iptables are
/// missing, run (and failing loudly through <see cref="Prerequisites.RequireNetworkNamespaces"/>) under CI.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when a prerequisite is missing outside CI.</summary>
    public NetworkNamespaceFactAttribute()
    {
        if (Prerequisites.NetworkNamespaceSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs Prometheus' promtool: skipped outside CI when it is missing, run (and failing) under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PromtoolFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when promtool is missing outside CI.</summary>
    public PromtoolFactAttribute()
    {
        if (Prerequisites.PromtoolSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs kubernetes-validate: skipped outside CI when it is missing, run (and failing) under CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KubernetesValidateFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when kubernetes-validate is missing outside CI.</summary>
    public KubernetesValidateFactAttribute()
    {
        if (Prerequisites.KubernetesValidateSkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
