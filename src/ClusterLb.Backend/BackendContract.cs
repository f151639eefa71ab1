namespace ClusterLb.Backend;

/// <summary>The names both sides of the akka-cluster discovery contract use.</summary>
public static class BackendContract
{
    /// <summary>The role every ClusterLb node has; the discovery singleton runs on the oldest member with it.</summary>
    public const string LoadBalancerRole = "clusterlb";

    /// <summary>Name of the backend's endpoint actor under <c>/user</c>; ClusterLb asks it for the endpoint.</summary>
    public const string EndpointActorName = "clusterlb-backend";

    /// <summary>Path of the discovery singleton's manager on ClusterLb nodes (the singleton is its child <c>singleton</c>).</summary>
    public const string DiscoveryManagerPath = "/user/discovery";

    /// <summary>The role prefix this package's examples use: a backend of service <c>api</c> has role <c>backend:api</c>.</summary>
    public const string RolePrefix = "backend:";
}
