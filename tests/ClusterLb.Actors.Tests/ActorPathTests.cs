using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class ActorPathTests : ActorTestBase
{
    [Fact]
    public void Parse_and_ToString_round_trip_local_and_remote_paths()
    {
        var local = ActorPath.Parse("clb://sys/user/a/b");
        Assert.Equal("clb://sys/user/a/b", local.ToString());
        Assert.Equal(["user", "a", "b"], local.Elements);
        Assert.Equal("b", local.Name);
        Assert.Equal("clb://sys/user/a", local.Parent.ToString());
        Assert.Equal(new Address("clb", "sys"), local.Address);

        var remote = ActorPath.Parse("clb://sys@10.0.0.1:4053/user/a#42");
        Assert.Equal(new Address("clb", "sys", "10.0.0.1", 4053), remote.Address);
        Assert.Equal(42, remote.Uid);
        Assert.Equal("clb://sys@10.0.0.1:4053/user/a", remote.ToString());
        Assert.Equal("clb://sys@10.0.0.1:4053/user/a#42", remote.ToSerializationFormat());
    }

    [Fact]
    public void Path_equality_ignores_uid_but_ref_equality_does_not()
    {
        Assert.Equal(ActorPath.Parse("clb://sys/user/a#1"), ActorPath.Parse("clb://sys/user/a#2"));
        Assert.NotEqual(ActorPath.Parse("clb://sys/user/a"), ActorPath.Parse("clb://sys/user/b"));
        Assert.NotEqual(ActorPath.Parse("clb://sys/user/a"), ActorPath.Parse("clb://other/user/a"));
    }

    [Theory]
    [InlineData("user/a")]
    [InlineData("clb://")]
    [InlineData("clb://sys@host:notaport/user")]
    [InlineData("clb://sys/user/a#x")]
    [InlineData("://sys/user")]
    public void Parse_rejects_malformed_paths_with_a_clear_error(string text)
    {
        var ex = Assert.Throws<FormatException>(() => ActorPath.Parse(text));
        Assert.Contains(text.Split('#')[0].Length > 0 ? "'" : "", ex.Message);
        Assert.False(ActorPath.TryParse(text, out _));
    }

    [Fact]
    public void Actors_live_under_user_and_system_with_a_uid_per_incarnation()
    {
        var a = Sys.ActorOf(Props.Create<EchoActor>(), "a");
        var d = Sys.SystemActorOf(Props.Create<EchoActor>(), "daemon");
        Assert.Equal("clb://test/user/a", a.Path.ToString());
        Assert.Equal("clb://test/system/daemon", d.Path.ToString());
        Assert.NotEqual(0, a.Path.Uid);
        Assert.Equal($"clb://test/user/a#{a.Path.Uid}", a.Path.ToSerializationFormat());
    }

    [Fact]
    public async Task Children_get_nested_paths()
    {
        var probe = CreateProbe();
        var parent = Sys.ActorOf(LambdaActor.Props((self, msg) =>
        {
            var child = self.Context.ActorOf(Props.Create<EchoActor>(), "b");
            self.Sender.Tell(child);
            return true;
        }), "a");
        probe.Tell(parent, "make");
        var child = await probe.ExpectMsgAsync<IActorRef>();
        Assert.Equal("clb://test/user/a/b", child.Path.ToString());
    }

    [Fact]
    public void A_new_incarnation_has_a_different_uid_and_is_a_different_ref()
    {
        var first = Sys.ActorOf(Props.Create<EchoActor>(), "x");
        var other = Sys.ActorOf(Props.Create<EchoActor>(), "y");
        Assert.NotEqual(first.Path.Uid, other.Path.Uid);
        Assert.NotEqual(first, other);
        Assert.Equal(first, Sys.ResolveActorRef(first.Path));
    }

    [Fact]
    public void Duplicate_child_name_throws_InvalidActorNameException_naming_it()
    {
        Sys.ActorOf(Props.Create<EchoActor>(), "dup");
        var ex = Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create<EchoActor>(), "dup"));
        Assert.Contains("'dup'", ex.Message);
        Assert.Contains("not unique", ex.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("a#b")]
    [InlineData("$reserved")]
    [InlineData("with space")]
    public void Invalid_names_are_rejected(string name)
    {
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create<EchoActor>(), name));
    }

    [Fact]
    public void Invalid_system_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => ActorSystem.Create("bad name"));
        Assert.Throws<ArgumentException>(() => ActorSystem.Create(""));
    }

    [Fact]
    public void Address_ToString_and_Parse()
    {
        Assert.Equal("clb://sys", new Address("clb", "sys").ToString());
        Assert.Equal("clb://sys@h:1", new Address("clb", "sys", "h", 1).ToString());
        Assert.Equal(new Address("clb", "sys", "[::1]", 5), Address.Parse("clb://sys@[::1]:5"));
        Assert.Throws<FormatException>(() => Address.Parse("clb://sys@h:99999"));
    }
}
