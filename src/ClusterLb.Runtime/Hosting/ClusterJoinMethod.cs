namespace ClusterLb.Runtime.Hosting;

/// <summary>How a node finds its cluster (<c>clusterlb.cluster.discovery.method</c>).</summary>
public enum ClusterJoinMethod
{
    /// <summary><c>seeds</c>: join through <c>clusterlb.cluster.seed-nodes</c>; without seeds the node joins itself.</summary>
    Seeds,

    /// <summary><c>config</c>: Akka.Management Cluster Bootstrap over contact points listed in the configuration.</summary>
    Config,

    /// <summary><c>kubernetes-api</c>: Cluster Bootstrap over the pods the Kubernetes API lists for a label selector.</summary>
    KubernetesApi,
}
