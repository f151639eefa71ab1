using Akka.Actor;
using ClusterLb.Runtime.Audit;

namespace ClusterLb.Runtime.Tests.Audit;

/// <summary>Out-of-range page requests are refused and store nothing.</summary>
public sealed class AuditLogBoundsTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly TempDatabaseDirectory _directory;

    public AuditLogBoundsTests()
        : this(new TempDatabaseDirectory())
    {
    }

    private AuditLogBoundsTests(TempDatabaseDirectory directory)
        : base(AuditPersistenceConfig.Sqlite(directory.DatabaseFile))
    {
        _directory = directory;
    }

    [Theory]
    [InlineData(0L, 10)]
    [InlineData(-1L, 10)]
    [InlineData(1L, 0)]
    [InlineData(1L, AuditLogActor.MaxPageSize + 1)]
    public async Task Bad_bounds_are_answered_with_a_failure_and_write_nothing(long from, int max)
    {
        var log = await AuditLog.StartAsync(Sys, "n1", AuditTestNode.Timeout);

        log.Tell(new GetAuditEntries(from, max), TestActor);
        var failure = ExpectMsg<Status.Failure>(AuditTestNode.Timeout);
        var refused = Assert.IsType<ArgumentOutOfRangeException>(failure.Cause);
        Assert.Contains($"FromSequenceNr={from}, Max={max}", refused.Message);

        log.Tell(new GetAuditEntries(1, AuditLogActor.MaxPageSize), TestActor);
        var page = ExpectMsg<AuditEntriesPage>(AuditTestNode.Timeout);
        Assert.Empty(page.Entries);
        Assert.Equal(0, page.HighestSequenceNr);
    }

    [Fact]
    public async Task The_largest_page_is_accepted()
    {
        var log = await AuditLog.StartAsync(Sys, "n1", AuditTestNode.Timeout);
        log.Tell(new RecordAudit("n1", "admin", "host-add", "main/b1"), TestActor);
        Assert.Equal(1, ExpectMsg<AuditRecorded>(AuditTestNode.Timeout).SequenceNr);

        log.Tell(new GetAuditEntries(1, AuditLogActor.MaxPageSize), TestActor);
        Assert.Single(ExpectMsg<AuditEntriesPage>(AuditTestNode.Timeout).Entries);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _directory.Dispose();
    }
}
