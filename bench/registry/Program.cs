// Registry-change visibility probe (bench/registry/run.sh drives it).
//
//   dotnet ClusterLb.Bench.Registry.dll --admin URL[,URL...] --token T [--pool main] [--host h1] [--changes 200]
//        [--mode weight|add] [--warmup 5] [--poll-ms 5] [--timeout-ms 10000] [--label TEXT] [--raw FILE]
//
// For each change: start polling GET {admin}/api/pools/{pool} on every node (one loop per node, a GET then a
// poll-ms pause), then send the write to the FIRST admin URL (PUT .../hosts/{host} {"weight":w}, or POST .../hosts
// with a new host id). A node has "seen" the change when a poll answer shows it; the time recorded is when that
// answer arrived, measured from just before the write was sent (so it is an upper bound by at most one poll
// interval plus one GET). The change is visible everywhere at the latest node's time. The write's own latency is
// request to response. Each change is bounded by timeout-ms; a random 100-300 ms pause separates changes so they
// do not lock onto the replicator's timers. The first `warmup` changes are not counted.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

var opts = ParseArgs(args);
string[] admins = opts["admin"].Split(',', StringSplitOptions.RemoveEmptyEntries);
string token = opts["token"];
string pool = opts.GetValueOrDefault("pool", "main");
string hostId = opts.GetValueOrDefault("host", "h1");
int changes = int.Parse(opts.GetValueOrDefault("changes", "200"), CultureInfo.InvariantCulture);
int warmup = int.Parse(opts.GetValueOrDefault("warmup", "5"), CultureInfo.InvariantCulture);
string mode = opts.GetValueOrDefault("mode", "weight");
int pollMs = int.Parse(opts.GetValueOrDefault("poll-ms", "5"), CultureInfo.InvariantCulture);
int timeoutMs = int.Parse(opts.GetValueOrDefault("timeout-ms", "10000"), CultureInfo.InvariantCulture);
string label = opts.GetValueOrDefault("label", $"{admins.Length} nodes");
string? rawPath = opts.GetValueOrDefault("raw");
if (mode is not ("weight" or "add")) throw new ArgumentException("--mode is weight or add");

using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(30), MaxConnectionsPerServer = 4 })
{
    Timeout = TimeSpan.FromSeconds(5),
};
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

var visible = new List<double>();     // ms until every node shows the change
var perNode = admins.Select(_ => new List<double>()).ToArray();
var writes = new List<double>();      // ms of the admin write itself
var getLatency = new List<double>();  // ms of a poll GET, to judge the resolution
var consistency = new Dictionary<string, int>();
int timeouts = 0, failures = 0;
var raw = rawPath is null ? null : new StreamWriter(rawPath, append: true);
var rng = new Random(42);

for (int i = 0; i < warmup + changes; i++)
{
    int weight = i % 999 + 2;                 // differs from the previous change's weight, 2..1000
    string addId = $"a{i}";
    Func<JsonElement, bool> shows = mode == "weight"
        ? p => p.GetProperty("hosts").EnumerateArray().Any(h => h.GetProperty("id").GetString() == hostId && h.GetProperty("weight").GetInt32() == weight)
        : p => p.GetProperty("hosts").EnumerateArray().Any(h => h.GetProperty("id").GetString() == addId);

    using var cts = new CancellationTokenSource(timeoutMs);
    var clock = Stopwatch.StartNew();
    var polls = admins.Select((a, n) => PollAsync(a, shows, clock, cts.Token)).ToArray();

    HttpRequestMessage req = mode == "weight"
        ? new(HttpMethod.Put, $"{admins[0]}/api/pools/{pool}/hosts/{hostId}") { Content = Json($"{{\"weight\":{weight}}}") }
        : new(HttpMethod.Post, $"{admins[0]}/api/pools/{pool}/hosts") { Content = Json($"{{\"id\":\"{addId}\",\"address\":\"http://127.0.0.1:{20000 + i % 10000}\"}}") };
    double writeMs;
    string cons;
    try
    {
        using var resp = await http.SendAsync(req, cts.Token);
        writeMs = clock.Elapsed.TotalMilliseconds;
        string body = await resp.Content.ReadAsStringAsync(cts.Token);
        cons = resp.IsSuccessStatusCode
            ? (JsonDocument.Parse(body).RootElement.TryGetProperty("consistency", out var c) ? c.GetString() ?? "?" : "?")
            : $"http-{(int)resp.StatusCode}";
    }
    catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
    {
        writeMs = double.NaN; cons = "error"; failures++;
    }

    double[] seen = await Task.WhenAll(polls);
    bool counted = i >= warmup;
    if (counted)
    {
        consistency[cons] = consistency.GetValueOrDefault(cons) + 1;
        if (!double.IsNaN(writeMs)) writes.Add(writeMs);
        if (seen.Any(double.IsNaN)) timeouts++;
        else visible.Add(seen.Max());
        for (int n = 0; n < seen.Length; n++) if (!double.IsNaN(seen[n])) perNode[n].Add(seen[n]);
    }
    raw?.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{label}\t{i}\t{(counted ? "count" : "warmup")}\t{cons}\twrite={writeMs:F1}\t{string.Join('\t', seen.Select((s, n) => $"n{n + 1}={s:F1}"))}"));
    await Task.Delay(rng.Next(100, 301));
}
raw?.Dispose();

// One summary line per run, tab-separated, for run.sh's table:
// label changes visible(p50 p99 max) write(p50 p99 max) per-node-p50s get-p50 consistency timeouts failures
string perNodeP50 = string.Join(",", perNode.Select(l => Fmt(Pct(l, 50))));
string cons2 = string.Join(",", consistency.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}:{kv.Value}"));
Console.WriteLine(string.Join('\t', label, changes.ToString(CultureInfo.InvariantCulture),
    Fmt(Pct(visible, 50)), Fmt(Pct(visible, 99)), Fmt(visible.DefaultIfEmpty(double.NaN).Max()),
    Fmt(Pct(writes, 50)), Fmt(Pct(writes, 99)), Fmt(writes.DefaultIfEmpty(double.NaN).Max()),
    perNodeP50, Fmt(Pct(getLatency, 50)), cons2, timeouts.ToString(CultureInfo.InvariantCulture), failures.ToString(CultureInfo.InvariantCulture)));
return 0;

async Task<double> PollAsync(string admin, Func<JsonElement, bool> shows, Stopwatch clock, CancellationToken ct)
{
    while (!ct.IsCancellationRequested)
    {
        try
        {
            double sent = clock.Elapsed.TotalMilliseconds;
            using var resp = await http.GetAsync($"{admin}/api/pools/{pool}", ct);
            byte[] body = await resp.Content.ReadAsByteArrayAsync(ct);
            double got = clock.Elapsed.TotalMilliseconds;
            lock (getLatency) getLatency.Add(got - sent);
            if (resp.IsSuccessStatusCode)
            {
                using var doc = JsonDocument.Parse(body);
                if (shows(doc.RootElement)) return got;
            }
            await Task.Delay(pollMs, ct);
        }
        catch (OperationCanceledException) { break; }
        catch (HttpRequestException) { await Task.Delay(pollMs, CancellationToken.None); }
    }
    return double.NaN;
}

static StringContent Json(string s) => new(s, Encoding.UTF8, "application/json");

static double Pct(List<double> xs, double p)
{
    if (xs.Count == 0) return double.NaN;
    var s = xs.Order().ToArray();
    // nearest rank
    int rank = (int)Math.Ceiling(p / 100.0 * s.Length);
    return s[Math.Clamp(rank - 1, 0, s.Length - 1)];
}

static string Fmt(double v) => double.IsNaN(v) ? "-" : v.ToString("F0", CultureInfo.InvariantCulture);

static Dictionary<string, string> ParseArgs(string[] a)
{
    var d = new Dictionary<string, string>();
    for (int i = 0; i + 1 < a.Length; i += 2)
    {
        if (!a[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected {a[i]}");
        d[a[i][2..]] = a[i + 1];
    }
    foreach (var k in new[] { "admin", "token" }) if (!d.ContainsKey(k)) throw new ArgumentException($"--{k} is required");
    return d;
}
