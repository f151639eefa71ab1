namespace ClusterLb.Proxy.Admin;

/// <summary>The body of <c>GET /health/live</c> and <c>GET /health/ready</c>.</summary>
/// <param name="Status"><c>live</c>, <c>ready</c>, <c>not-live</c> or <c>not-ready</c>.</param>
/// <param name="Reason">Why not, or what was checked when the probe passed.</param>
public sealed record HealthAnswer(string Status, string Reason);
