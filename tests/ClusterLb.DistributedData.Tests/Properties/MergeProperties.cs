using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Properties;

public class MergeProperties
{
    [Theory]
    [MemberData(nameof(Models.Names), MemberType = typeof(Models))]
    public void Merge_is_commutative_associative_and_idempotent(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: merge laws", random =>
        {
            var states = Simulation.Run(model, random, Simulation.Nodes(3), random.Next(5, 40)).Append(model.Empty).ToArray();
            var a = states[random.Next(states.Length)];
            var b = states[random.Next(states.Length)];
            var c = states[random.Next(states.Length)];

            AssertEqual(a.Merge(b), b.Merge(a), "a+b != b+a");
            AssertEqual(a.Merge(b).Merge(c), a.Merge(b.Merge(c)), "(a+b)+c != a+(b+c)");
            AssertEqual(a.Merge(a), a, "a+a != a");
            AssertEqual(a.Merge(b).Merge(b), a.Merge(b), "(a+b)+b != a+b");
        });
    }

    [Theory]
    [MemberData(nameof(Models.Names), MemberType = typeof(Models))]
    public void Replicas_that_saw_the_same_updates_in_any_order_are_equal(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: order independence", random =>
        {
            var nodes = Simulation.Nodes(4);
            var start = Simulation.Reset(Simulation.MergeAll(Simulation.Run(model, random, nodes, random.Next(0, 20))));

            // Every replica makes its own updates on the same starting state, concurrently with the others.
            var updated = nodes.Select(node =>
            {
                var state = start;
                for (var i = random.Next(1, 5); i > 0; i--)
                {
                    state = model.Update(state, node, random);
                }

                return state;
            }).ToArray();

            var first = Simulation.Shuffle(random, updated).Aggregate(start, (s, u) => s.Merge(u));
            var second = Simulation.Shuffle(random, updated).Aggregate(start, (s, u) => s.Merge(u));
            AssertEqual(first, second, "two merge orders disagree");

            // A different grouping: merge pairs first, then the pairs.
            var order = Simulation.Shuffle(random, updated);
            var grouped = start.Merge(order[0].Merge(order[1]).Merge(order[2].Merge(order[3])));
            AssertEqual(first, grouped, "grouped merge disagrees");

            if (model.HasDeltas)
            {
                var viaDeltas = Simulation.Shuffle(random, updated)
                    .Aggregate(start, (s, u) => DeltaProperties.ApplyDeltaOf(s, u));
                AssertEqual(first, viaDeltas, "applying the deltas in another order disagrees with merging the states");
            }
        });
    }

    internal static void AssertEqual(IReplicatedData expected, IReplicatedData actual, string what)
    {
        if (!expected.Equals(actual))
        {
            throw new Xunit.Sdk.XunitException($"{what}:\n expected {Describe(expected)}\n actual   {Describe(actual)}");
        }
    }

    internal static string Describe(IReplicatedData data) => data switch
    {
        ORSet<string> set => $"{set} dots[{string.Join("; ", set.ElementDots.Select(e => $"{e.Key}:{e.Value}"))}] {set.VersionVector}",
        _ => data.ToString() ?? data.GetType().Name,
    };
}
