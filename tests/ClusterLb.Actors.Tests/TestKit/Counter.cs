namespace ClusterLb.Actors.Tests.TestKit;

/// <summary>
/// Counts messages; "fail" throws InvalidOperationException, "fail-arg" ArgumentException; "count" replies with
/// the count; "spawn:NAME" creates a child Counter. Reports lifecycle hooks to a probe as "id:Hook...".
/// </summary>
public sealed class Counter(IActorRef probe, string id) : ActorBase
{
    private int _count;

    public static Props Props(IActorRef probe, string id = "c") => ClusterLb.Actors.Props.Create(() => new Counter(probe, id));

    protected override void PreStart() => probe.Tell($"{id}:PreStart");

    protected override void PostStop() => probe.Tell($"{id}:PostStop");

    protected override void PreRestart(Exception reason, object? message)
    {
        probe.Tell($"{id}:PreRestart:{reason.Message}:{message}");
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        probe.Tell($"{id}:PostRestart:{reason.Message}");
        base.PostRestart(reason);
    }

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case "fail":
                throw new InvalidOperationException("boom");
            case "fail-arg":
                throw new ArgumentException("arg");
            case "count":
                Sender.Tell(_count);
                return true;
            case string s when s.StartsWith("spawn:", StringComparison.Ordinal):
                Sender.Tell(Context.ActorOf(Props(probe, s[6..]), s[6..]));
                return true;
            case string s when s.StartsWith("forward:", StringComparison.Ordinal):
                var parts = s[8..].Split(':', 2);
                Context.Child(parts[0])!.Tell(parts[1], Sender);
                return true;
            default:
                _count++;
                return true;
        }
    }
}

/// <summary>A parent with a given strategy for its children; "create:NAME" makes a Counter child and replies with it.</summary>
public sealed class Supervisor(SupervisorStrategy strategy, IActorRef probe) : ActorBase
{
    public static Props Props(SupervisorStrategy strategy, IActorRef probe) => ClusterLb.Actors.Props.Create(() => new Supervisor(strategy, probe));

    protected override SupervisorStrategy SupervisorStrategy() => strategy;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case string s when s.StartsWith("create:", StringComparison.Ordinal):
                Sender.Tell(Context.ActorOf(Counter.Props(probe, s[7..]), s[7..]));
                return true;
            case "fail":
                throw new InvalidOperationException("supervisor boom");
            default:
                return false;
        }
    }
}
