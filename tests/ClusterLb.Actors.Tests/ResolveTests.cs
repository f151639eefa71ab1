using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class ResolveTests : ActorTestBase
{
    [Fact]
    public async Task ResolveActorRef_finds_live_local_actors_by_path_and_string()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");
        Assert.Equal(echo, Sys.ResolveActorRef(echo.Path));
        Assert.Equal(echo, Sys.ResolveActorRef("clb://test/user/echo"));
        Assert.Equal(echo, Sys.ResolveActorRef(echo.Path.ToSerializationFormat()));
        Assert.Equal("pong", await Sys.ResolveActorRef("clb://test/user/echo").Ask<string>("pong", Timeout));
    }

    [Fact]
    public async Task Unknown_or_wrong_uid_paths_resolve_to_a_dead_ref_whose_mail_becomes_dead_letters()
    {
        var echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");
        var wrongUid = Sys.ResolveActorRef(echo.Path.WithUid(echo.Path.Uid + 1));
        Assert.NotEqual(echo, wrongUid);
        var missing = Sys.ResolveActorRef("clb://test/user/nope");
        missing.Tell("lost");
        await EventuallyAsync(() => Sys.DeadLetterCount == 1, "the message is a dead letter");

        var probe = CreateProbe();
        await probe.WatchAsync(missing);
        var terminated = await probe.ExpectMsgAsync<Terminated>();
        Assert.False(terminated.ExistenceConfirmed);
    }

    [Fact]
    public async Task A_pending_ask_ref_is_resolvable_so_a_reply_by_path_completes_it()
    {
        var probe = CreateProbe();
        var ask = probe.Ref.Ask<string>("question", Timeout);
        await probe.ExpectMsgAsync("question");
        var tempPath = probe.LastSender.Path;
        Assert.StartsWith("clb://test/temp/$", tempPath.ToString());
        Sys.ResolveActorRef(ActorPath.Parse(tempPath.ToSerializationFormat())).Tell("answer");
        Assert.Equal("answer", await ask);
    }

    [Fact]
    public void Remote_resolvers_serve_other_addresses_and_local_addresses_never_reach_them()
    {
        var asked = new List<ActorPath>();
        var remoteRef = ActorRefs.Nobody;
        Sys.RegisterRemoteResolver(path =>
        {
            asked.Add(path);
            return path.Address.Host == "peer" ? remoteRef : null;
        });

        Assert.Same(remoteRef, Sys.ResolveActorRef("clb://test@peer:2552/user/x"));
        Assert.IsNotType<NobodyRef>(Sys.ResolveActorRef("clb://test@elsewhere:2552/user/x"));
        Sys.ResolveActorRef("clb://test/user/x");
        Assert.Equal(2, asked.Count);
    }

    [Fact]
    public async Task A_configured_address_appears_in_paths_and_both_forms_resolve()
    {
        await using var sys = ActorSystem.Create("net", new ActorSystemSetup { Address = new Address("clb", "net", "127.0.0.1", 4053) });
        var a = sys.ActorOf(Props.Create<EchoActor>(), "a");
        Assert.Equal("clb://net@127.0.0.1:4053/user/a", a.Path.ToString());
        Assert.Equal(a, sys.ResolveActorRef("clb://net@127.0.0.1:4053/user/a"));
        Assert.Equal(a, sys.ResolveActorRef("clb://net/user/a"));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("x", new ActorSystemSetup { Address = new Address("clb", "y") }));
    }

    [Fact]
    public void Start_time_and_uptime_are_reported()
    {
        Assert.True(Sys.StartTime <= DateTimeOffset.UtcNow);
        Assert.True(Sys.Uptime >= TimeSpan.Zero);
        Assert.Equal("test", Sys.Name);
        Assert.Equal("clb://test", Sys.ToString());
    }

    [Fact]
    public void Extensions_are_created_once_per_system()
    {
        var calls = 0;
        var first = Sys.GetOrAddExtension(s => { calls++; return new List<string> { s.Name }; });
        var second = Sys.GetOrAddExtension(s => { calls++; return new List<string>(); });
        Assert.Same(first, second);
        Assert.Equal(1, calls);
        Assert.Same(first, Sys.GetExtension<List<string>>());
    }
}
