using System.Diagnostics.Metrics;
using ClusterLb.Actors.Tests.TestKit;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Actors.Tests;

public class EventStreamTests : ActorTestBase
{
    private interface IHealthEvent;

    private record HostEvent(string Host) : IHealthEvent;

    private sealed record HostDown(string Host) : HostEvent(Host);

    private sealed record Unrelated(int N);

    [Fact]
    public async Task Subscribers_get_events_of_their_type_base_types_and_interfaces_once_each()
    {
        var exact = CreateProbe();
        var baseType = CreateProbe();
        var iface = CreateProbe();
        var both = CreateProbe();
        Assert.True(Sys.EventStream.Subscribe(exact.Ref, typeof(HostDown)));
        Assert.True(Sys.EventStream.Subscribe(baseType.Ref, typeof(HostEvent)));
        Assert.True(Sys.EventStream.Subscribe(iface.Ref, typeof(IHealthEvent)));
        Assert.True(Sys.EventStream.Subscribe(both.Ref, typeof(HostEvent)));
        Assert.True(Sys.EventStream.Subscribe(both.Ref, typeof(object)));
        Assert.False(Sys.EventStream.Subscribe(both.Ref, typeof(object)));

        Sys.EventStream.Publish(new HostDown("a"));
        Sys.EventStream.Publish(new HostEvent("b"));
        Sys.EventStream.Publish(new Unrelated(1));

        await exact.ExpectMsgAsync(new HostDown("a"));
        await baseType.ExpectMsgAsync(new HostDown("a"));
        await baseType.ExpectMsgAsync(new HostEvent("b"));
        await iface.ExpectMsgAsync(new HostDown("a"));
        await iface.ExpectMsgAsync(new HostEvent("b"));
        await both.ExpectMsgAsync(new HostDown("a"));
        await both.ExpectMsgAsync(new HostEvent("b"));
        await both.ExpectMsgAsync(new Unrelated(1));
        await exact.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        await both.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Unsubscribe_from_one_channel_or_all()
    {
        var probe = CreateProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(HostEvent));
        Sys.EventStream.Subscribe(probe.Ref, typeof(Unrelated));
        Assert.True(Sys.EventStream.Unsubscribe(probe.Ref, typeof(HostEvent)));
        Sys.EventStream.Publish(new HostEvent("x"));
        Sys.EventStream.Publish(new Unrelated(2));
        await probe.ExpectMsgAsync(new Unrelated(2));
        Assert.True(Sys.EventStream.Unsubscribe(probe.Ref));
        Assert.False(Sys.EventStream.Unsubscribe(probe.Ref));
        Sys.EventStream.Publish(new Unrelated(3));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Subscribers_that_stop_are_removed_so_events_do_not_become_dead_letters()
    {
        var watcher = CreateProbe();
        var subscriber = Sys.ActorOf(Props.Create<EchoActor>());
        Sys.EventStream.Subscribe(subscriber, typeof(Unrelated));
        await watcher.WatchAsync(subscriber);
        Sys.Stop(subscriber);
        await watcher.ExpectMsgAsync<Terminated>();
        Assert.False(Sys.EventStream.Unsubscribe(subscriber));
        Sys.EventStream.Publish(new Unrelated(1));
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task Dead_letters_are_counted_published_and_measured()
    {
        long measured = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "clusterlb.actors.dead_letters")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "system" && Equals(tag.Value, "test"))
                {
                    Interlocked.Add(ref measured, value);
                }
            }
        });
        listener.Start();

        var probe = CreateProbe();
        Sys.EventStream.Subscribe(probe.Ref, typeof(DeadLetter));
        var target = Sys.ActorOf(Props.Create<EchoActor>());
        await probe.WatchAsync(target);
        Sys.Stop(target);
        await probe.ExpectMsgAsync<Terminated>();
        target.Tell("lost", probe.Ref);

        var dl = await probe.ExpectMsgAsync<DeadLetter>();
        Assert.Equal("lost", dl.Message);
        Assert.Equal(probe.Ref, dl.Sender);
        Assert.Equal(target, dl.Recipient);
        Assert.Equal(1, Sys.DeadLetterCount);
        await EventuallyAsync(() => Interlocked.Read(ref measured) >= 1, "the metric counted the dead letter");
    }

    [Fact]
    public async Task A_full_bounded_mailbox_sends_overflow_to_dead_letters()
    {
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var actor = Sys.ActorOf(LambdaActor.Props((_, msg) =>
        {
            if (msg is "block")
            {
                started.SetResult();
                gate.Task.Wait();
            }

            return true;
        }).WithMailboxCapacity(5));
        actor.Tell("block");
        await started.Task.WaitAsync(Timeout);
        for (var i = 0; i < 8; i++)
        {
            actor.Tell(i);
        }

        Assert.Equal(3, Sys.DeadLetterCount);
        gate.SetResult();
    }

    [Fact]
    public async Task Dead_letter_logging_is_rate_limited_but_counting_is_not()
    {
        var logs = new RecordingLoggerFactory();
        await using var sys = ActorSystem.Create("dl", new ActorSystemSetup(LoggerFactory: logs)
        {
            ActorSettings = ActorSettings.Default with { DeadLetterLogLimit = 3, DeadLetterLogInterval = TimeSpan.FromMinutes(5) },
        });
        for (var i = 0; i < 50; i++)
        {
            sys.DeadLetters.Tell(i);
        }

        Assert.Equal(50, sys.DeadLetterCount);
        var logged = logs.Entries.Where(e => e.EventId.Id == 1010).ToList();
        Assert.Equal(3, logged.Count);
        Assert.All(logged, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Equal("Int32", logged[0].Fields["MessageType"]);
        Assert.Equal(1L, logged[0].Fields["DeadLetterCount"]);
    }
}
