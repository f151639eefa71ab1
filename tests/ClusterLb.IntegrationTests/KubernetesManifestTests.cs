using System.Text.Json;
using ClusterLb.Hocon;
using ClusterLb.IntegrationTests.Infrastructure;
using ClusterLb.Tests.Shared;
using k8s;
using k8s.Models;
using Xunit.Abstractions;

namespace ClusterLb.IntegrationTests;

/// <summary>
/// <c>deploy/kubernetes/</c>: every manifest passes the Kubernetes API's OpenAPI schemas (the npm package
/// kubernetes-models bundles them: types, required fields, enums) and KubernetesClient's strict YAML load (no unknown
/// field), offline; the ConfigMap's node file passes the node's own <c>clusterlb config check</c> with the environment
/// a pod gets; and the manifests agree with that file (ports, labels, replicas, grace period). No Kubernetes cluster
/// runs here: nothing is applied.
/// </summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    // What the StatefulSet's downward API gives a pod.
    private static readonly Dictionary<string, string> PodEnvironment = new()
    {
        ["CLUSTER_IP"] = "10.244.1.17",
        ["CLUSTERLB_NODE_NAME"] = "clusterlb-1",
    };

    private static string Directory => Path.Combine(RepositoryRoot.Path, "deploy", "kubernetes");

    private static string[] Files => System.IO.Directory.GetFiles(Directory, "*.yaml").Order(StringComparer.Ordinal).ToArray();

    // Strict: a field the Kubernetes type does not have is an error, as the API server's strict field validation makes it.
    private static List<object> Objects => Files.SelectMany(f => KubernetesYaml.LoadAllFromString(File.ReadAllText(f), null, strict: true)).ToList();

    [KubernetesSchemaFact]
    public async Task Every_manifest_passes_the_kubernetes_api_schemas_and_a_broken_one_does_not()
    {
        var script = Prerequisites.RequireKubernetesSchema();
        Assert.True(Files.Length >= 6, $"expected the manifests in {Directory}");
        var (code, text) = await RunAsync("node", [script, .. Files]);
        output.WriteLine(text);
        Assert.True(code == 0, $"the schema check exited {code}:\n{text}");
        Assert.Equal(Files.Length, text.Split('\n').Count(l => l.EndsWith("objects valid", StringComparison.Ordinal)));

        // The check can fail: an enum value and a required field the StatefulSet schema insists on.
        using var broken = TempDirectory.Create();
        var statefulSet = File.ReadAllText(Path.Combine(Directory, "40-statefulset.yaml"));
        var badPolicy = Path.Combine(broken.Path, "policy.yaml");
        await File.WriteAllTextAsync(badPolicy, statefulSet.Replace("podManagementPolicy: Parallel", "podManagementPolicy: Sometimes", StringComparison.Ordinal));
        var noName = Path.Combine(broken.Path, "no-name.yaml");
        await File.WriteAllTextAsync(noName, statefulSet.Replace("        - name: clusterlb\n", "        - ", StringComparison.Ordinal));
        var (brokenCode, brokenText) = await RunAsync("node", [script, badPolicy, noName]);
        Assert.True(brokenCode != 0, $"the schema check accepted broken StatefulSets:\n{brokenText}");
        Assert.Contains("podManagementPolicy must be equal to one of the allowed values", brokenText, StringComparison.Ordinal);
        Assert.Contains("must have required property name", brokenText, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_manifest_loads_strictly_with_the_kubernetes_client_and_an_unknown_field_does_not()
    {
        Assert.Equal(11, Objects.Count);
        var statefulSet = File.ReadAllText(Path.Combine(Directory, "40-statefulset.yaml"));
        var unknown = statefulSet.Replace("podManagementPolicy: Parallel", "podManagementPolicy: Parallel\n  podStartPolicy: Parallel", StringComparison.Ordinal);
        Assert.NotEqual(statefulSet, unknown);
        var e = Assert.ThrowsAny<Exception>(() => KubernetesYaml.LoadAllFromString(unknown, null, strict: true));
        Assert.Contains("podStartPolicy", e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_configmap_node_file_passes_the_node_config_check_with_a_pods_environment()
    {
        using var dir = TempDirectory.Create();
        var file = WriteNodeFile(dir);

        using (var check = ClusterLbProcess.Start("config-check", output, PodEnvironment, "config", "check", "--config", file))
        {
            Assert.Equal(0, await check.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("configuration is valid", check.Log, StringComparison.Ordinal);
        }

        // The Akka configuration the pod runs with: Kubernetes API discovery, advertised at the pod IP.
        using var akka = ClusterLbProcess.Start("config-akka", output, PodEnvironment, "config", "akka", "--json", "--config", file);
        Assert.Equal(0, await akka.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        var json = JsonDocument.Parse(akka.Log[akka.Log.IndexOf('{', StringComparison.Ordinal)..]).RootElement.GetProperty("akka");
        Assert.Equal("kubernetes-api", json.GetProperty("discovery").GetProperty("method").GetString());
        Assert.Equal(Runtime.Hosting.KubernetesPodDiscovery.ClassName, json.GetProperty("discovery").GetProperty("kubernetes-api").GetProperty("class").GetString());
        Assert.Equal("10.244.1.17", json.GetProperty("management").GetProperty("http").GetProperty("hostname").GetString());
        Assert.Equal("10.244.1.17", json.GetProperty("remote").GetProperty("dot-netty").GetProperty("tcp").GetProperty("public-hostname").GetString());
        Assert.True(json.GetProperty("remote").GetProperty("dot-netty").GetProperty("tcp").GetProperty("enable-ssl").GetBoolean());
        Assert.Empty(json.GetProperty("cluster").GetProperty("seed-nodes").EnumerateArray());
    }

    [Fact]
    public void The_manifests_agree_with_the_node_file()
    {
        using var dir = TempDirectory.Create();
        var node = ClusterLbConfigLoader.Load(WriteNodeFile(dir), useEnvironment: false);
        var objects = Objects;
        var ns = Assert.Single(objects.OfType<V1Namespace>()).Metadata.Name;
        Assert.All(objects.Where(o => o is not V1Namespace).Cast<IMetadata<V1ObjectMeta>>(), o => Assert.Equal(ns, o.Metadata.NamespaceProperty));

        var sts = objects.OfType<V1StatefulSet>().Single(s => s.Metadata.Name == "clusterlb");
        var pod = sts.Spec.Template;
        var container = Assert.Single(pod.Spec.Containers);
        int Port(string name) => Assert.Single(container.Ports, p => p.Name == name).ContainerPort;

        // Bootstrap: every replica must answer before a cluster forms, and no pod is ready before that.
        Assert.Equal(node.GetInt("clusterlb.cluster.discovery.required-contact-points"), sts.Spec.Replicas);
        Assert.Equal("Parallel", sts.Spec.PodManagementPolicy);
        Assert.Equal("kubernetes-api", node.GetString("clusterlb.cluster.discovery.method"));
        Assert.Equal(node.GetInt("clusterlb.cluster.management.port"), Port(node.GetString("clusterlb.cluster.discovery.port-name")));
        Assert.Equal(node.GetInt("clusterlb.cluster.port"), Port("remoting"));
        Assert.Equal(node.GetInt("clusterlb.admin.port"), Port("admin"));
        Assert.Equal(node.GetInt("clusterlb.proxy.http.port"), Port("proxy"));

        // The label selector Akka's discovery queries selects exactly this StatefulSet's pods.
        var selector = node.GetString("clusterlb.cluster.discovery.kubernetes-api.pod-label-selector")
            .Replace("{0}", node.GetString("clusterlb.cluster.system-name"), StringComparison.Ordinal).Split('=');
        Assert.Equal(selector[1], pod.Metadata.Labels[selector[0]]);
        Assert.All(objects.OfType<V1StatefulSet>().Where(s => s != sts), other => Assert.NotEqual(selector[1], other.Spec.Template.Metadata.Labels.TryGetValue(selector[0], out var v) ? v : null));

        // The pod IP is the address peers dial and the management host discovery returns.
        var clusterIp = Assert.Single(container.Env, e => e.Name == "CLUSTER_IP");
        Assert.Equal("status.podIP", clusterIp.ValueFrom.FieldRef.FieldPath);
        Assert.Equal("0.0.0.0", node.GetString("clusterlb.cluster.hostname"));

        // Probes on the node's own state, on the admin listener.
        Assert.Equal("/health/ready", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/health/live", container.LivenessProbe.HttpGet.Path);
        Assert.Equal("admin", container.ReadinessProbe.HttpGet.Port.Value);
        Assert.Equal("admin", container.LivenessProbe.HttpGet.Port.Value);

        // SIGTERM: the preStop pause, the drain and the leave fit in the grace period, with room for the leave.
        var preStop = int.Parse(container.Lifecycle.PreStop.Exec.Command[^1], System.Globalization.CultureInfo.InvariantCulture);
        var drain = node.GetDuration("clusterlb.proxy.drain-timeout").TotalSeconds;
        Assert.True(pod.Spec.TerminationGracePeriodSeconds >= preStop + drain + 15,
            $"terminationGracePeriodSeconds {pod.Spec.TerminationGracePeriodSeconds} < preStop {preStop} s + drain {drain} s + 15 s to leave");

        // TLS files come from the Secret mounted where the node file looks for them.
        var tlsMount = Assert.Single(container.VolumeMounts, m => m.Name == "tls");
        var tlsVolume = Assert.Single(pod.Spec.Volumes, v => v.Name == "tls");
        foreach (var key in new[] { "certificate", "ca" })
        {
            var path = node.GetString($"clusterlb.cluster.tls.{key}");
            Assert.Equal(tlsMount.MountPath, Path.GetDirectoryName(path));
            Assert.Contains(tlsVolume.Secret.Items, i => i.Path == Path.GetFileName(path));
        }
        var configMount = Assert.Single(container.VolumeMounts, m => m.Name == "config");
        Assert.Equal(container.Args[^1], configMount.MountPath);

        // RBAC: the pods' service account may list pods (Cluster Bootstrap) and EndpointSlices (a pool's kubernetes
        // discovery) in their namespace.
        var account = Assert.Single(objects.OfType<V1ServiceAccount>()).Metadata.Name;
        Assert.Equal(account, pod.Spec.ServiceAccountName);
        var binding = Assert.Single(objects.OfType<V1RoleBinding>());
        Assert.Contains(binding.Subjects, s => s.Kind == "ServiceAccount" && s.Name == account);
        var role = Assert.Single(objects.OfType<V1Role>(), r => r.Metadata.Name == binding.RoleRef.Name);
        Assert.Contains(role.Rules, r => r.Resources.Contains("pods") && r.Verbs.Contains("list"));
        Assert.Contains(role.Rules, r => r.ApiGroups.SequenceEqual(["discovery.k8s.io"]) && r.Resources.Contains("endpointslices") && r.Verbs.Contains("get") && r.Verbs.Contains("list"));

        // The headless service governs the StatefulSet and publishes pods before they are ready.
        var headless = objects.OfType<V1Service>().Single(s => s.Metadata.Name == sts.Spec.ServiceName);
        Assert.Equal("None", headless.Spec.ClusterIP);
        Assert.True(headless.Spec.PublishNotReadyAddresses);
        foreach (var service in objects.OfType<V1Service>().Where(s => s.Spec.Selector.All(l => pod.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value)))
        {
            Assert.All(service.Spec.Ports, p => Port(p.TargetPort.Value));
        }
        Assert.Contains(objects.OfType<V1Service>(), s => s.Metadata.Name == "clusterlb" && s.Spec.Ports.Any(p => p.TargetPort.Value == "proxy"));

        // At most one pod down for voluntary disruptions: two of three stay a majority.
        var pdb = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal("1", pdb.Spec.MaxUnavailable.Value);
        Assert.All(pdb.Spec.Selector.MatchLabels, l => Assert.Equal(l.Value, pod.Metadata.Labels[l.Key]));
    }

    // The ConfigMap's clusterlb.conf, as the pod mounts it.
    private static string WriteNodeFile(TempDirectory dir)
    {
        var map = Objects.OfType<V1ConfigMap>().Single(m => m.Metadata.Name == "clusterlb-config");
        var file = Path.Combine(dir.Path, "clusterlb.conf");
        File.WriteAllText(file, map.Data["clusterlb.conf"]);
        return file;
    }

    private static async Task<(int Code, string Text)> RunAsync(string tool, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(120));
        return (process.ExitCode, await stdout + await stderr);
    }
}
