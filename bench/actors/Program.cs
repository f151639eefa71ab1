using System.Diagnostics;
using System.Globalization;
using ClusterLb.Actors;

// Throughput of the actor kernel: tell and ask, one-to-one and many-to-one. Each scenario runs a warm-up,
// then `rounds` measured rounds; the table shows the median round.
var scale = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 1.0;
const int rounds = 5;
var results = new List<(string Name, long Messages, double Median, double Best)>();

await using var system = ActorSystem.Create("bench");

results.Add(await Measure("tell 1 -> 1", (long)(2_000_000 * scale), n => TellOneToOne(system, n)));
results.Add(await Measure("tell 8 -> 1", (long)(2_000_000 * scale), n => TellManyToOne(system, n, senders: 8)));
results.Add(await Measure("tell actor ping-pong (1 pair)", (long)(500_000 * scale), n => PingPong(system, n)));
results.Add(await Measure("ask 1 -> 1 sequential", (long)(100_000 * scale), n => AskSequential(system, n)));
results.Add(await Measure("ask 1 -> 1, 64 in flight", (long)(500_000 * scale), n => AskInFlight(system, n, inFlight: 64)));

Console.WriteLine();
Console.WriteLine($"ClusterLb.Actors throughput ({Environment.ProcessorCount} cores, {rounds} rounds, median and best round)");
Console.WriteLine();
Console.WriteLine("| scenario | messages/round | median msg/s | best msg/s |");
Console.WriteLine("| --- | ---: | ---: | ---: |");
foreach (var (name, messages, median, best) in results)
{
    Console.WriteLine($"| {name} | {messages:N0} | {median:N0} | {best:N0} |");
}

async Task<(string, long, double, double)> Measure(string name, long messages, Func<long, Task> run)
{
    await run(Math.Max(1, messages / 10));
    var rates = new List<double>();
    for (var i = 0; i < rounds; i++)
    {
        GC.Collect();
        var sw = Stopwatch.StartNew();
        await run(messages);
        rates.Add(messages / sw.Elapsed.TotalSeconds);
    }

    rates.Sort();
    Console.Error.WriteLine($"{name}: {string.Join(", ", rates.Select(r => r.ToString("N0", CultureInfo.InvariantCulture)))}");
    return (name, messages, rates[rates.Count / 2], rates[^1]);
}

static async Task TellOneToOne(ActorSystem system, long n)
{
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var sink = system.ActorOf(Props.Create(() => new CountingActor(n, done)));
    for (long i = 0; i < n; i++)
    {
        sink.Tell(Msg.Instance);
    }

    await done.Task;
    system.Stop(sink);
}

static async Task TellManyToOne(ActorSystem system, long n, int senders)
{
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var sink = system.ActorOf(Props.Create(() => new CountingActor(n, done)));
    var each = n / senders;
    var producers = Enumerable.Range(0, senders).Select(s => Task.Run(() =>
    {
        var count = s == 0 ? n - (each * (senders - 1)) : each;
        for (long i = 0; i < count; i++)
        {
            sink.Tell(Msg.Instance);
        }
    }));
    await Task.WhenAll(producers);
    await done.Task;
    system.Stop(sink);
}

static async Task PingPong(ActorSystem system, long n)
{
    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    var pong = system.ActorOf(Props.Create<EchoActor>());
    var ping = system.ActorOf(Props.Create(() => new PingActor(pong, n, done)));
    ping.Tell(Msg.Instance);
    await done.Task;
    system.Stop(ping);
    system.Stop(pong);
}

static async Task AskSequential(ActorSystem system, long n)
{
    var echo = system.ActorOf(Props.Create<EchoActor>());
    var timeout = TimeSpan.FromSeconds(10);
    for (long i = 0; i < n; i++)
    {
        await echo.Ask<Msg>(Msg.Instance, timeout);
    }

    system.Stop(echo);
}

static async Task AskInFlight(ActorSystem system, long n, int inFlight)
{
    var echo = system.ActorOf(Props.Create<EchoActor>());
    var timeout = TimeSpan.FromSeconds(10);
    var each = n / inFlight;
    await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
    {
        for (long i = 0; i < each; i++)
        {
            await echo.Ask<Msg>(Msg.Instance, timeout);
        }
    }));
    system.Stop(echo);
}

internal sealed record Msg
{
    public static readonly Msg Instance = new();
}

internal sealed class CountingActor(long expected, TaskCompletionSource done) : ActorBase
{
    private long _count;

    protected override bool Receive(object message)
    {
        if (++_count == expected)
        {
            done.SetResult();
        }

        return true;
    }
}

internal sealed class EchoActor : ActorBase
{
    protected override bool Receive(object message)
    {
        Sender.Tell(message, Self);
        return true;
    }
}

internal sealed class PingActor(IActorRef pong, long rounds, TaskCompletionSource done) : ActorBase
{
    private long _count;

    protected override bool Receive(object message)
    {
        if (++_count >= rounds)
        {
            done.TrySetResult();
            return true;
        }

        pong.Tell(message, Self);
        return true;
    }
}
