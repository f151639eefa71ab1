using ClusterLb.Actors.Tests.TestKit;

namespace ClusterLb.Actors.Tests;

public class StressTests : ActorTestBase
{
    /// <summary>Counts messages and fails loudly if two threads are ever inside it at once.</summary>
    private sealed class Guarded(int expected, TaskCompletionSource<int> done, StrongBox<int> violations) : ActorBase
    {
        private int _inside;
        private int _count;
        private int _lastFromSender = -1;
        private int _orderViolations;

        protected override bool Receive(object message)
        {
            if (Interlocked.Exchange(ref _inside, 1) != 0)
            {
                Interlocked.Increment(ref violations.Value);
            }

            var seq = (int)message;
            if (seq <= _lastFromSender)
            {
                _orderViolations++;
            }

            _lastFromSender = seq;
            if (++_count == expected)
            {
                done.SetResult(_orderViolations);
            }

            Volatile.Write(ref _inside, 0);
            return true;
        }
    }

    public sealed class StrongBox<T>
    {
        public T Value = default!;
    }

    [Fact]
    public async Task A_thousand_actors_and_a_million_messages_lose_nothing_and_never_run_concurrently()
    {
        const int actors = 1000;
        const int perActor = 1000;
        var violations = new StrongBox<int>();
        var done = new TaskCompletionSource<int>[actors];
        var refs = new IActorRef[actors];
        for (var i = 0; i < actors; i++)
        {
            done[i] = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            var tcs = done[i];
            refs[i] = Sys.ActorOf(Props.Create(() => new Guarded(perActor, tcs, violations)));
        }

        // Four producer threads; each actor is fed by exactly one producer so per-sender order is checkable.
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (var seq = 0; seq < perActor; seq++)
            {
                for (var a = p; a < actors; a += 4)
                {
                    refs[a].Tell(seq);
                }
            }
        })).ToArray();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromSeconds(60));
        var orderViolations = await Task.WhenAll(done.Select(d => d.Task)).WaitAsync(TimeSpan.FromSeconds(120));

        Assert.Equal(0, Volatile.Read(ref violations.Value));
        Assert.All(orderViolations, v => Assert.Equal(0, v));
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task Many_senders_to_one_receiver_keep_per_sender_order()
    {
        const int senders = 8;
        const int each = 20_000;
        var finished = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var last = new int[senders];
        Array.Fill(last, -1);
        var total = 0;
        var sink = Sys.ActorOf(LambdaActor.Props((_, msg) =>
        {
            var (sender, seq) = ((int, int))msg;
            if (seq != last[sender] + 1)
            {
                finished.TrySetResult($"sender {sender}: {seq} after {last[sender]}");
            }

            last[sender] = seq;
            if (++total == senders * each)
            {
                finished.TrySetResult(null);
            }

            return true;
        }));
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < each; i++)
            {
                sink.Tell((s, i));
            }
        })));
        Assert.Null(await finished.Task.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
