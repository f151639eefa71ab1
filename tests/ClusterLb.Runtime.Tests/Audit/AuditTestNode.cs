using Akka.Actor;
using Akka.Configuration;
using ClusterLb.Runtime.Audit;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>An actor system with one node's audit log on the given persistence config, for restart scenarios.</summary>
internal sealed class AuditTestNode : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private AuditTestNode(ActorSystem system, IActorRef log)
    {
        System = system;
        Log = log;
    }

    public ActorSystem System { get; }

    public IActorRef Log { get; }

    public static async Task<AuditTestNode> StartAsync(Config persistence, string node)
    {
        var system = ActorSystem.Create("audit-" + node, persistence);
        try
        {
            var log = await AuditLog.StartAsync(system, node, Timeout);
            return new AuditTestNode(system, log);
        }
        catch
        {
            await system.Terminate();
            throw;
        }
    }

    public async Task<long> RecordAsync(string action, string target = "main/b1")
    {
        var recorded = await Log.Ask<AuditRecorded>(new RecordAudit("n1", "admin", action, target, "weight=1"), Timeout);
        return recorded.SequenceNr;
    }

    public Task<AuditEntriesPage> PageAsync(long from, int max) =>
        Log.Ask<AuditEntriesPage>(new GetAuditEntries(from, max), Timeout);

    public async ValueTask DisposeAsync() => await System.Terminate();
}
