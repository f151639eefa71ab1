// A ClusterLb backend in a few lines: an HTTP service whose Akka.NET node joins the load balancers' cluster with
// the role a pool's discovery names, and announces where it serves. Run several copies, each with its own ports:
//   dotnet run --project samples/ClusterLb.Backend.Sample -- --name b1 --url http://127.0.0.1:5081 \
//     --cluster-port 4081 --seeds akka.tcp://clusterlb@127.0.0.1:4053 --role backend:web
// In a TLS cluster add --tls-pfx b1.pfx --tls-ca ca.crt (from `clusterlb cert create-node`) and use akka.ssl.tcp:// seeds.
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using ClusterLb.Backend;

var builder = WebApplication.CreateBuilder(args);
var name = builder.Configuration["name"] ?? "backend";
var url = new Uri(builder.Configuration["url"] ?? "http://127.0.0.1:5081");
var role = builder.Configuration["role"] ?? BackendContract.RolePrefix + "web";
// A TLS cluster (the default for ClusterLb): this member's certificate from `clusterlb cert create-node` and the CA's.
var tlsPfx = builder.Configuration["tls-pfx"];
var tlsCa = builder.Configuration["tls-ca"];
var seeds = (builder.Configuration["seeds"] ?? "akka.tcp://clusterlb@127.0.0.1:4053").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
builder.WebHost.UseUrls(url.ToString());

builder.Services.AddAkka("clusterlb", akka =>
{
    akka.AddHocon($$"""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = "{{url.Host}}", port = {{builder.Configuration["cluster-port"] ?? "0"}}, enable-ssl = {{(tlsPfx is null ? "off" : "on")}} }
        akka.cluster {
          roles = ["{{role}}"]
          seed-nodes = [{{string.Join(", ", seeds.Select(s => $"\"{s}\""))}}]
          # Decide partitions by the load balancers, as they do (their role is clusterlb).
          split-brain-resolver.keep-majority.role = "{{BackendContract.LoadBalancerRole}}"
        }
        """, HoconAddMode.Prepend);
    if (tlsPfx is not null)
    {
        akka.AddSetup(ClusterTls.Load(tlsPfx, builder.Configuration["tls-password"], tlsCa ?? "ca.crt"));
    }
    akka.WithClusterLbBackend(new ClusterLbBackendOptions { Url = url })
        .AddStartup((system, _) => Cluster.Get(system).RegisterOnMemberUp(
            () => Console.WriteLine($"MEMBER-UP {name} {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}")));
});

var app = builder.Build();
app.Use((context, next) =>
{
    context.Response.Headers["X-Backend"] = name;
    return next(context);
});
app.MapGet("/", () => name);
app.MapGet("/health", () => "ok");
// Out of rotation first, then the server stops (ASP.NET Core stops it before Akka.Hosting's CoordinatedShutdown).
app.Lifetime.ApplicationStopping.Register(() => ClusterLbBackend.DrainAsync(app.Services.GetRequiredService<ActorSystem>()).Wait());
app.Run();
