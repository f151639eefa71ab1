using ClusterLb.Runtime.Hosting;
using k8s.Models;

namespace ClusterLb.Runtime.Tests.Hosting;

/// <summary>Which listed pods become contact points: running, not being deleted, with an IP and the named port.</summary>
public sealed class KubernetesPodDiscoveryTests
{
    private static V1Pod Pod(string name, string phase = "Running", string? ip = "10.1.0.7", int? management = 8558, bool deleting = false, bool waiting = false) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, DeletionTimestamp = deleting ? DateTime.UtcNow : null },
        Spec = new V1PodSpec
        {
            Containers = [new V1Container
            {
                Name = "clusterlb",
                Ports = [new V1ContainerPort { Name = "proxy", ContainerPort = 8080 }, .. management is null ? Array.Empty<V1ContainerPort>() : [new V1ContainerPort { Name = "management", ContainerPort = management.Value }]],
            }],
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            PodIP = ip,
            ContainerStatuses = [new V1ContainerStatus { Name = "clusterlb", State = new V1ContainerState { Waiting = waiting ? new V1ContainerStateWaiting { Reason = "CrashLoopBackOff" } : null } }],
        },
    };

    [Fact]
    public void Only_running_pods_with_an_ip_and_the_named_port_are_contact_points()
    {
        var pods = new V1PodList
        {
            Items =
            [
                Pod("ok", ip: "10.1.0.7", management: 8558),
                Pod("pending", phase: "Pending"),
                Pod("no-ip", ip: null),
                Pod("deleting", deleting: true),
                Pod("no-port", management: null),
                Pod("other-port", ip: "10.1.0.9", management: 9000),
            ],
        };

        var targets = KubernetesPodDiscovery.Targets(pods, "management", containerName: null).ToList();

        Assert.Equal(["10.1.0.7:8558", "10.1.0.9:9000"], targets.Select(t => $"{t.Host}:{t.Port}"));
        Assert.All(targets, t => Assert.Equal(t.Host, t.Address!.ToString()));
    }

    [Fact]
    public void Without_a_port_name_every_running_pod_counts_and_a_waiting_container_is_skipped_when_named()
    {
        var pods = new V1PodList { Items = [Pod("a", ip: "10.1.0.7"), Pod("crashing", ip: "10.1.0.8", waiting: true)] };

        Assert.Equal([null, null], KubernetesPodDiscovery.Targets(pods, portName: null, containerName: null).Select(t => t.Port));
        Assert.Equal(["10.1.0.7"], KubernetesPodDiscovery.Targets(pods, portName: null, containerName: "clusterlb").Select(t => t.Host));
    }
}
