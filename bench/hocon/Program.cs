using System.Diagnostics;
using System.Globalization;
using ClusterLb.Hocon;

// Times parsing and resolving Akka's 963-line reference.conf from the external corpus: warm-up, then N timed runs.
var file = args.Length > 0 && args[0].Length > 0 ? args[0] : FindCorpusFile();
var iterations = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
const int warmup = 100;
var text = File.ReadAllText(file);
var noEnv = new HoconResolveOptions { UseEnvironment = false };

var cases = new (string Name, Action Run)[]
{
    ("parse", () => ConfigFactory.ParseString(text, file)),
    ("parse+resolve", () => ConfigFactory.ParseString(text, file).Resolve(noEnv)),
    ("parse+resolve+json", () => ConfigFactory.ParseString(text, file).Resolve(noEnv).ToJson()),
};

Console.WriteLine($"input: {file} ({text.Length} chars, {text.Split('\n').Length} lines); {warmup} warm-up, {iterations} timed runs each");
Console.WriteLine($"{"operation",-20} {"mean ms",9} {"median ms",10} {"p95 ms",8} {"min ms",8} {"alloc KB",9}");
foreach (var (name, run) in cases)
{
    for (var i = 0; i < warmup; i++)
    {
        run();
    }
    var samples = new double[iterations];
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    for (var i = 0; i < iterations; i++)
    {
        var start = Stopwatch.GetTimestamp();
        run();
        samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
    var allocatedKb = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1024.0 / iterations;
    Array.Sort(samples);
    var mean = samples.Average();
    var median = samples[iterations / 2];
    var p95 = samples[(int)Math.Ceiling(iterations * 0.95) - 1];
    Console.WriteLine($"{name,-20} {mean,9:F3} {median,10:F3} {p95,8:F3} {samples[0],8:F3} {allocatedKb,9:F0}");
}

static string FindCorpusFile()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "ClusterLb.sln")))
        {
            var path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "hocon-corpus", "akka-reference", "reference.conf"));
            if (File.Exists(path))
            {
                return path;
            }
            break;
        }
    }
    Console.Error.WriteLine("akka reference.conf not found: pass its path as the first argument (../shared/hocon-corpus/akka-reference/reference.conf)");
    Environment.Exit(2);
    return "";
}
