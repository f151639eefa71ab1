using ClusterLb.DistributedData.Crdt;

namespace ClusterLb.DistributedData.Tests.Properties;

public class DeltaProperties
{
    /// <summary>
    /// The delta contract: a replica that has merged the origin's state from before some updates and then applies
    /// their accumulated delta ends exactly where merging the origin's new full state would take it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models.DeltaNames), MemberType = typeof(Models))]
    public void Applying_a_delta_equals_merging_the_full_state(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: delta == full merge", random =>
        {
            var nodes = Simulation.Nodes(3);
            var states = nodes.Select(_ => model.Empty).ToArray();
            var sinceReset = (IReplicatedData[])states.Clone(); // each origin's state when its delta was last reset
            for (var step = 0; step < 40; step++)
            {
                var i = random.Next(nodes.Length);
                switch (random.Next(6))
                {
                    case 0:
                        states[i] = Simulation.Reset(states[i].Merge(states[random.Next(nodes.Length)]));
                        sinceReset[i] = states[i];
                        break;
                    case 1:
                        states[i] = Simulation.Reset(states[i]);
                        sinceReset[i] = states[i];
                        break;
                    default:
                        states[i] = model.Update(states[i], nodes[i], random);
                        break;
                }

                // Any receiver that has seen the origin's state as of the last reset.
                var receiver = Simulation.Reset(states[random.Next(nodes.Length)].Merge(sinceReset[i]));
                var full = receiver.Merge(states[i]);
                var viaDelta = ApplyDeltaOf(receiver, states[i]);
                MergeProperties.AssertEqual(full, viaDelta, $"step {step}: delta of replica {i} applied to a receiver differs from the full merge");
            }
        });
    }

    /// <summary>
    /// Replication by deltas only, delivered to every replica in the order they were made (causal delivery) but at
    /// random times, gives every replica at every moment the same state as replication by full states.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models.DeltaNames), MemberType = typeof(Models))]
    public void Causal_delta_replication_equals_full_state_replication(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: delta world == full world", random =>
        {
            var nodes = Simulation.Nodes(3);
            var deltaWorld = nodes.Select(_ => model.Empty).ToArray();
            var fullWorld = nodes.Select(_ => model.Empty).ToArray();
            var log = new List<(IReplicatedDelta Delta, IReplicatedData Full, int Origin)>();
            var delivered = new int[nodes.Length]; // per replica, how much of the log it has applied

            for (var step = 0; step < 50; step++)
            {
                var i = random.Next(nodes.Length);
                if (random.Next(3) == 0)
                {
                    // Replica i catches up on a random prefix of what it has not applied yet.
                    var upTo = random.Next(delivered[i], log.Count + 1);
                    for (; delivered[i] < upTo; delivered[i]++)
                    {
                        var (delta, full, origin) = log[delivered[i]];
                        if (origin != i)
                        {
                            deltaWorld[i] = ((IDeltaReplicatedData)deltaWorld[i]).MergeDelta(delta);
                            fullWorld[i] = Simulation.Reset(fullWorld[i].Merge(full));
                        }
                    }
                }
                else
                {
                    // Both worlds hold the same state here (asserted every step), so one update serves both.
                    var updated = model.Update(deltaWorld[i], nodes[i], random);
                    if (((IDeltaReplicatedData)updated).Delta is { } delta)
                    {
                        deltaWorld[i] = Simulation.Reset(updated);
                        fullWorld[i] = deltaWorld[i];
                        log.Add((delta, deltaWorld[i], i));
                    }
                }

                for (var r = 0; r < nodes.Length; r++)
                {
                    MergeProperties.AssertEqual(fullWorld[r], deltaWorld[r], $"step {step}: replica {r}");
                }
            }
        });
    }

    /// <summary>
    /// Deltas delivered in order per origin but in any interleaving across origins (what the replicator guarantees),
    /// followed by one round of full-state anti-entropy, converge every replica. Data without causal requirements
    /// converges from the deltas alone, in any order.
    /// </summary>
    [Theory]
    [MemberData(nameof(Models.DeltaNames), MemberType = typeof(Models))]
    public void Deltas_in_per_origin_order_plus_anti_entropy_converge(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: delta + anti-entropy convergence", random =>
        {
            var nodes = Simulation.Nodes(3);
            var states = nodes.Select(_ => model.Empty).ToArray();
            // queues[receiver][origin]: deltas not yet delivered, in the origin's order.
            var queues = nodes.Select(_ => nodes.Select(_ => new Queue<IReplicatedDelta>()).ToArray()).ToArray();

            void Deliver(int receiver, int origin)
            {
                var delta = queues[receiver][origin].Dequeue();
                states[receiver] = ((IDeltaReplicatedData)states[receiver]).MergeDelta(delta);
            }

            for (var step = 0; step < 60; step++)
            {
                var i = random.Next(nodes.Length);
                var origin = random.Next(nodes.Length);
                if (random.Next(3) == 0 && queues[i][origin].Count > 0)
                {
                    Deliver(i, origin);
                    continue;
                }

                var updated = (IDeltaReplicatedData)model.Update(states[i], nodes[i], random);
                if (updated.Delta is { } delta)
                {
                    for (var r = 0; r < nodes.Length; r++)
                    {
                        if (r != i)
                        {
                            queues[r][i].Enqueue(delta);
                        }
                    }
                }

                states[i] = updated.ResetDelta();
            }

            // Drain in a random cross-origin interleaving.
            while (queues.Any(q => q.Any(x => x.Count > 0)))
            {
                var r = random.Next(nodes.Length);
                var o = random.Next(nodes.Length);
                if (queues[r][o].Count > 0)
                {
                    Deliver(r, o);
                }
            }

            if (!model.NeedsCausalDelivery)
            {
                for (var r = 1; r < nodes.Length; r++)
                {
                    MergeProperties.AssertEqual(states[0], states[r], $"replica {r} after deltas only");
                }
            }

            var converged = Simulation.MergeAll(states);
            for (var r = 0; r < nodes.Length; r++)
            {
                MergeProperties.AssertEqual(converged, states[r].Merge(converged), $"replica {r} after anti-entropy");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Models.DeltaNames), MemberType = typeof(Models))]
    public void Deltas_of_successive_updates_merge_into_one_equivalent_delta(string name)
    {
        var model = Models.Named(name);
        Property.Check($"{name}: delta grouping", random =>
        {
            var nodes = Simulation.Nodes(3);
            var start = Simulation.Reset(Simulation.MergeAll(Simulation.Run(model, random, nodes, random.Next(0, 20))));
            var origin = nodes[random.Next(nodes.Length)];
            var state = start;
            IReplicatedDelta? merged = null;
            var receiverStepwise = start;
            for (var i = random.Next(1, 6); i > 0; i--)
            {
                var updated = (IDeltaReplicatedData)model.Update(state, origin, random);
                if (updated.Delta is { } delta)
                {
                    merged = merged is null ? delta : (IReplicatedDelta)merged.Merge(delta);
                    receiverStepwise = ((IDeltaReplicatedData)receiverStepwise).MergeDelta(delta);
                }

                state = updated.ResetDelta();
            }

            var receiverGrouped = merged is null ? start : ((IDeltaReplicatedData)start).MergeDelta(merged);
            MergeProperties.AssertEqual(state, receiverGrouped, "grouped delta");
            MergeProperties.AssertEqual(state, receiverStepwise, "deltas one by one");
        });
    }

    internal static IReplicatedData ApplyDeltaOf(IReplicatedData receiver, IReplicatedData origin) =>
        ((IDeltaReplicatedData)origin).Delta is { } delta ? Simulation.Reset(((IDeltaReplicatedData)receiver).MergeDelta(delta)) : receiver;
}
