using ClusterLb.DistributedData.Crdt;
using Google.Protobuf;

namespace ClusterLb.DistributedData.Tests.Properties;

/// <summary>Every data type with a random update generator. Small key/element domains force conflicts.</summary>
public static class Models
{
    private static readonly string[] Words = ["a", "b", "c", "d", "e", "f"];

    // A strictly increasing logical clock keeps LWW timestamps unique across replicas, as the wall clock rule
    // (max(now, current + 1)) does within one replica; ties are covered by unit tests.
    private static long _tick;

    private static string Word(Random random) => Words[random.Next(Words.Length)];

    private static long Tick(long current, object? value) => Math.Max(current + 1, Interlocked.Increment(ref _tick));

    private static string Sorted<T>(IEnumerable<T> items) => string.Join(",", items.Select(i => i?.ToString()).Order(StringComparer.Ordinal));

    public static readonly Model[] All =
    [
        new Model<GCounter>("GCounter", GCounter.Empty,
            (s, node, r) => s.Increment(node, (ulong)r.Next(1, 5)),
            s => s.Value.ToString()),
        new Model<PNCounter>("PNCounter", PNCounter.Empty,
            (s, node, r) => r.Next(2) == 0 ? s.Increment(node, r.Next(1, 5)) : s.Decrement(node, r.Next(1, 5)),
            s => s.Value.ToString()),
        new Model<GSet<string>>("GSet", GSet<string>.Empty,
            (s, _, r) => s.Add(Word(r)),
            s => Sorted(s.Elements)),
        new Model<ORSet<string>>("ORSet", ORSet<string>.Empty,
            (s, node, r) => r.Next(10) switch
            {
                < 6 => s.Add(node, Word(r)),
                < 9 => s.Remove(node, Word(r)),
                _ => s.Clear(node),
            },
            s => Sorted(s.Elements)),
        new Model<ORSet<ByteString>>("ORSet<bytes>", ORSet<ByteString>.Empty,
            (s, node, r) => r.Next(3) < 2
                ? s.Add(node, ByteString.CopyFrom((byte)r.Next(4)))
                : s.Remove(node, ByteString.CopyFrom((byte)r.Next(4))),
            s => Sorted(s.Elements.Select(b => b.ToBase64()))),
        new Model<LWWRegister<string>>("LWWRegister", new LWWRegister<string>(new ReplicaId("init", 0), "", 0),
            (s, node, r) => s.WithValue(node, Word(r), Tick),
            s => s.Value),
        new Model<Flag>("Flag", Flag.Disabled,
            (s, _, r) => r.Next(4) == 0 ? s.SwitchOn() : s,
            s => s.IsEnabled.ToString()),
        new Model<VersionVector>("VersionVector", VersionVector.Empty,
            (s, node, _) => s.Increment(node),
            s => s.ToString()),
        new Model<ORMap<string, GSet<string>>>("ORMap<GSet>", ORMap<string, GSet<string>>.Empty,
            (s, node, r) => r.Next(3) < 2
                ? s.AddOrUpdate(node, Word(r), GSet<string>.Empty, v => v.Add(Word(r)))
                : s.Remove(node, Word(r)),
            s => Sorted(s.Entries.Select(e => $"{e.Key}={Sorted(e.Value.Elements)}"))),
        new Model<ORMap<string, ORSet<string>>>("ORMap<ORSet>", ORMap<string, ORSet<string>>.Empty,
            (s, node, r) => r.Next(3) < 2
                ? s.AddOrUpdate(node, Word(r), ORSet<string>.Empty, v => r.Next(3) < 2 ? v.Add(node, Word(r)) : v.Remove(node, Word(r)))
                : s.Remove(node, Word(r)),
            s => Sorted(s.Entries.Select(e => $"{e.Key}={Sorted(e.Value.Elements)}"))),
        new Model<LWWMap<string, string>>("LWWMap", LWWMap<string, string>.Empty,
            (s, node, r) => r.Next(3) < 2 ? s.SetItem(node, Word(r), Word(r), Tick) : s.Remove(node, Word(r)),
            s => Sorted(s.Entries.Select(e => $"{e.Key}={e.Value}"))),
        new Model<PNCounterMap<string>>("PNCounterMap", PNCounterMap<string>.Empty,
            (s, node, r) => r.Next(5) switch
            {
                < 2 => s.Increment(node, Word(r), r.Next(1, 4)),
                < 4 => s.Decrement(node, Word(r), r.Next(1, 4)),
                _ => s.Remove(node, Word(r)),
            },
            s => Sorted(s.Entries.Select(e => $"{e.Key}={e.Value}"))),
    ];

    public static IEnumerable<object[]> Names() => All.Select(m => new object[] { m.Name });

    public static IEnumerable<object[]> DeltaNames() => All.Where(m => m.HasDeltas).Select(m => new object[] { m.Name });

    public static IEnumerable<object[]> PruningNames() => All.Where(m => m.SupportsPruning && m.Name != "VersionVector").Select(m => new object[] { m.Name });

    public static Model Named(string name) => All.Single(m => m.Name == name);
}
