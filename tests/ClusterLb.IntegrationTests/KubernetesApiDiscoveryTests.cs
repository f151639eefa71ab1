using System.Security.Cryptography.X509Certificates;
using Akka.Cluster;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Node.Hosting;
using ClusterLb.Runtime.Security;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// Cluster Bootstrap with Kubernetes API discovery (<c>KubernetesPodDiscovery</c>), the method deploy/kubernetes uses, against a fake API server on
/// loopback (HTTPS, the pod list serialized by the official Kubernetes client): three nodes with no seed nodes find
/// each other as the pods labelled app=clusterlb in their namespace, by the container port named "management", and
/// form one cluster over TLS. What a real cluster adds (the in-cluster token and CA the kubelet mounts, RBAC, one IP
/// per pod) is not here.
/// </summary>
public sealed class KubernetesApiDiscoveryTests(ITestOutputHelper output)
{
    private const string Namespace = "clusterlb";

    [Fact]
    public async Task Three_nodes_form_one_cluster_from_the_pods_the_kubernetes_api_lists()
    {
        using var dir = TempDirectory.Create();
        CertificateFactory.CreateCa(dir.Path, "k8s-test-ca");
        var apiPfx = CertificateFactory.CreateNode(dir.Path, dir.Path, "kube-api", ["127.0.0.1"]);
        using var apiCertificate = X509CertificateLoader.LoadPkcs12FromFile(apiPfx, null);
        var management = Enumerable.Range(0, 3).Select(_ => PortAllocator.Next()).ToArray();
        var app = new Dictionary<string, string> { ["app"] = "clusterlb" };
        var pods = management.Select((port, i) => FakeKubernetesApi.Pod($"clusterlb-{i}", Namespace, app, "127.0.0.1", "clusterlb", ("proxy", 8080), ("management", port))).ToList();
        // Not ours (another label, another namespace): if discovery counted them, a contact point would never answer
        // and the cluster would not form.
        pods.Add(FakeKubernetesApi.Pod("web-0", Namespace, new Dictionary<string, string> { ["app"] = "web" }, "127.0.0.1", "web", ("management", PortAllocator.Next())));
        pods.Add(FakeKubernetesApi.Pod("clusterlb-0", "other", app, "127.0.0.1", "clusterlb", ("management", PortAllocator.Next())));
        await using var api = await FakeKubernetesApi.StartAsync(apiCertificate, pods);

        // Outside a pod the official client connects as KUBECONFIG says (in a pod: the service account's token and CA).
        var kubeconfig = Path.Combine(dir.Path, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster: {"{"} server: "https://127.0.0.1:{api.Port}", insecure-skip-tls-verify: true {"}"}
            users:
              - name: fake
                user: {"{"} token: test-token {"}"}
            contexts:
              - name: fake
                context: {"{"} cluster: fake, user: fake {"}"}
            current-context: fake
            """);

        // Process-wide, read when each node's discovery is created; no other test reads it.
        Environment.SetEnvironmentVariable("KUBECONFIG", kubeconfig);
        try
        {
            await using var backend = await TestBackend.StartAsync("b1");
            await using var nodes = new ConfiguredNodes(output);
            var started = new List<ClusterLbNode>();
            for (var i = 0; i < 3; i++)
            {
                CertificateFactory.CreateNode(dir.Path, dir.Path, $"lb-{i}", ["127.0.0.1"]);
                started.Add(await nodes.StartAsync($"lb-{i}", $$"""
                    services.web.pools = [ { id = main, hosts = [ { id = b1, address = "{{backend.Url}}" } ] } ]
                    cluster {
                      tls { certificate = "{{Path.Combine(dir.Path, $"lb-{i}.pfx")}}", ca = "{{Path.Combine(dir.Path, "ca.crt")}}" }
                      discovery {
                        method = kubernetes-api
                        port-name = management
                        required-contact-points = 3
                        stable-margin = 1s
                        interval = 200ms
                        probe-interval = 300ms
                        kubernetes-api.pod-namespace = {{Namespace}}
                      }
                      management.port = {{management[i]}}
                    }
                    """));
            }

            await Poll.UntilAsync(() => started.All(n => Cluster.Get(n.System).State.Members.Count(m => m.Status == MemberStatus.Up) == 3),
                "every node to see three Up members", TimeSpan.FromSeconds(60));
            Assert.Single(started.Select(n => Cluster.Get(n.System).State.Leader).Distinct());
            Assert.All(started, n => Assert.Empty(Cluster.Get(n.System).Settings.SeedNodes));
            Assert.Contains($"/api/v1/namespaces/{Namespace}/pods?labelSelector=app=clusterlb Bearer test-token", api.Requests);
            Assert.DoesNotContain(api.Requests, r => !r.StartsWith($"/api/v1/namespaces/{Namespace}/pods?", StringComparison.Ordinal));
        }
        finally
        {
            Environment.SetEnvironmentVariable("KUBECONFIG", null);
        }
    }
}
