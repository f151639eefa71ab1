// bench/tcp's echo backend and load client.
//
//   TcpLoad backend --ports 16001,16002 [--bind 127.0.0.1]
//       echo server on each port: every byte read is written back; a FIN is answered with a FIN.
//   TcpLoad load --mode throughput|cps --target HOST:PORT[,HOST:PORT...] --connections N --seconds S
//                [--ramp 1] [--chunk 65536] [--size 64] [--cpu NAME=PID[,PID...]]... [--hz 100]
//       throughput: N long-lived connections, each sending CHUNK-byte writes as fast as it can while reading
//                   the echo back; the result is echoed bytes per second (every byte crosses the proxy twice).
//       cps:        N loops, each: connect, send SIZE bytes, read the SIZE-byte echo, half-close, read the
//                   peer's FIN, close; the result is completed connections per second and their latency.
//       Only the S-second window after RAMP seconds is counted. --cpu reads utime+stime of those processes from
//       /proc at both ends of that window, so CPU and work cover the same interval. One JSON line on stdout.
//   TcpLoad probe --target HOST:PORT [--timeout 1]
//       one echo round trip; exit code 0 when the echo came back intact.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// Run socket continuations on the epoll thread (set before the first socket is made): one pinned core needs no
// thread hop per completion. An explicit value in the environment wins.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: TcpLoad backend|load|probe [options] (see Program.cs)");
    return 2;
}
var options = Options.Parse(args.AsSpan(1));
try
{
    return args[0] switch
    {
        "backend" => await Backend.RunAsync(options),
        "load" => await Load.RunAsync(options),
        "probe" => await Probe.RunAsync(options),
        _ => throw new ArgumentException($"unknown command '{args[0]}'"),
    };
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

internal sealed class Options
{
    private readonly Dictionary<string, List<string>> _values = new();

    public static Options Parse(ReadOnlySpan<string> args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            }
            var key = args[i][2..];
            if (!o._values.TryGetValue(key, out var list))
            {
                o._values[key] = list = new List<string>();
            }
            list.Add(args[++i]);
        }
        return o;
    }

    public string Get(string key, string? fallback = null) =>
        _values.TryGetValue(key, out var v) ? v[^1] : fallback ?? throw new ArgumentException($"--{key} is required");

    public int Int(string key, int fallback) => int.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public double Double(string key, double fallback) => double.Parse(Get(key, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public IReadOnlyList<string> All(string key) => _values.TryGetValue(key, out var v) ? v : [];

    public static IPEndPoint[] Endpoints(string list) =>
        list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(IPEndPoint.Parse).ToArray();
}

internal static class Backend
{
    public static async Task<int> RunAsync(Options o)
    {
        var bind = IPAddress.Parse(o.Get("bind", "127.0.0.1"));
        var loops = new List<Task>();
        foreach (var port in o.Get("ports").Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)))
        {
            var listener = new Socket(bind.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Bind(new IPEndPoint(bind, port));
            listener.Listen(4096);
            loops.Add(AcceptAsync(listener));
        }
        Console.WriteLine($"echo backend listening on {o.Get("ports")}");
        await Task.WhenAll(loops);
        return 0;
    }

    private static async Task AcceptAsync(Socket listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync();
            }
            catch (SocketException)
            {
                await Task.Delay(10); // out of descriptors or a client gone before accept: keep listening
                continue;
            }
            client.NoDelay = true;
            _ = EchoAsync(client);
        }
    }

    private static async Task EchoAsync(Socket socket)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                if (read == 0)
                {
                    socket.Shutdown(SocketShutdown.Send);
                    break;
                }
                await Net.SendAllAsync(socket, buffer.AsMemory(0, read));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // reset by the peer: nothing to answer
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            socket.Dispose();
        }
    }
}

internal static class Net
{
    public static async ValueTask SendAllAsync(Socket socket, ReadOnlyMemory<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sent = await socket.SendAsync(data, SocketFlags.None);
            data = data[sent..];
        }
    }

    public static async ValueTask<Socket> ConnectAsync(IPEndPoint target)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

internal static class Probe
{
    public static async Task<int> RunAsync(Options o)
    {
        var target = Options.Endpoints(o.Get("target"))[0];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(o.Double("timeout", 1)));
        try
        {
            using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(target, cts.Token);
            var hello = Encoding.ASCII.GetBytes("clusterlb bench/tcp probe\n");
            await socket.SendAsync(hello, SocketFlags.None, cts.Token);
            var back = new byte[hello.Length];
            var got = 0;
            while (got < back.Length)
            {
                var read = await socket.ReceiveAsync(back.AsMemory(got), SocketFlags.None, cts.Token);
                if (read == 0)
                {
                    return 1;
                }
                got += read;
            }
            return back.AsSpan().SequenceEqual(hello) ? 0 : 1;
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            return 1;
        }
    }
}

/// <summary>CPU of named process groups (from /proc) and per-core busy time (from /proc/stat).</summary>
internal sealed class CpuProbe
{
    private readonly List<(string Name, int[] Pids)> _groups = new();
    private readonly double _hz;

    public CpuProbe(Options o)
    {
        _hz = o.Double("hz", 100);
        foreach (var spec in o.All("cpu"))
        {
            var eq = spec.IndexOf('=');
            if (eq <= 0)
            {
                throw new ArgumentException($"--cpu wants NAME=PID[,PID...], got '{spec}'");
            }
            var pids = spec[(eq + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            _groups.Add((spec[..eq], pids));
        }
    }

    public sealed record Sample(double[] GroupSeconds, Dictionary<string, long>[] GroupSwitches, double SelfSeconds, long[] CoreBusy, long[] CoreTotal, long Steal);

    public Sample Take()
    {
        var groups = _groups.Select(g => g.Pids.Sum(Ticks) / _hz).ToArray();
        var switches = _groups.Select(g => g.Pids.SelectMany(ThreadSwitches).ToDictionary()).ToArray();
        var self = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var busy = new List<long>();
        var total = new List<long>();
        long steal = 0;
        foreach (var line in File.ReadLines("/proc/stat"))
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
            {
                break;
            }
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var v = f.Skip(1).Take(8).Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            if (f[0] == "cpu")
            {
                steal = v[7];
                continue;
            }
            // user nice system idle iowait irq softirq steal
            busy.Add(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]);
            total.Add(v.Sum());
        }
        return new Sample(groups, switches, self, busy.ToArray(), total.ToArray(), steal);
    }

    /// <summary>utime+stime of one process (all its threads); 0 when it is gone.</summary>
    private static long Ticks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Voluntary and involuntary context switches of every thread of one process, by thread id.</summary>
    private static IEnumerable<KeyValuePair<string, long>> ThreadSwitches(int pid)
    {
        var found = new List<KeyValuePair<string, long>>();
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    long n = 0;
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.Contains("ctxt_switches:", StringComparison.Ordinal))
                        {
                            n += long.Parse(line[(line.IndexOf(':') + 1)..].Trim(), CultureInfo.InvariantCulture);
                        }
                    }
                    found.Add(new(task, n));
                }
                catch (IOException)
                {
                    // a thread that ended meanwhile
                }
            }
        }
        catch (IOException)
        {
            // the process is gone
        }
        return found;
    }

    /// <summary>
    /// Switches between two samples: per thread, end minus start (a thread born in between counts from 0); a thread
    /// that ended in between is missing from the end sample, so its switches in the window are not counted.
    /// </summary>
    private static long SwitchesBetween(Dictionary<string, long> a, Dictionary<string, long> b) =>
        b.Sum(t => t.Value - a.GetValueOrDefault(t.Key));

    public void Append(StringBuilder json, Sample a, Sample b, double seconds)
    {
        for (var i = 0; i < _groups.Count; i++)
        {
            json.Append(CultureInfo.InvariantCulture, $",\"cpu_{_groups[i].Name}\":{b.GroupSeconds[i] - a.GroupSeconds[i]:0.000}");
            json.Append(CultureInfo.InvariantCulture, $",\"ctxsw_{_groups[i].Name}\":{SwitchesBetween(a.GroupSwitches[i], b.GroupSwitches[i])}");
        }
        json.Append(CultureInfo.InvariantCulture, $",\"cpu_self\":{b.SelfSeconds - a.SelfSeconds:0.000}");
        for (var c = 0; c < Math.Min(a.CoreBusy.Length, b.CoreBusy.Length); c++)
        {
            var t = b.CoreTotal[c] - a.CoreTotal[c];
            json.Append(CultureInfo.InvariantCulture, $",\"core{c}_busy\":{(t > 0 ? 100.0 * (b.CoreBusy[c] - a.CoreBusy[c]) / t : 0):0}");
        }
        json.Append(CultureInfo.InvariantCulture, $",\"steal_ticks\":{b.Steal - a.Steal}");
        json.Append(CultureInfo.InvariantCulture, $",\"seconds\":{seconds:0.000}");
    }
}

internal static class Load
{
    private sealed class Flow
    {
        public long Received;
        public long Errors;
    }

    private sealed class Loop
    {
        public long Completed;
        public long Errors;
        public readonly List<long> Latencies = new(1 << 16);
    }

    public static async Task<int> RunAsync(Options o)
    {
        var mode = o.Get("mode");
        var targets = Options.Endpoints(o.Get("target"));
        var n = o.Int("connections", 1);
        var seconds = o.Double("seconds", 10);
        var ramp = o.Double("ramp", 1);
        var cpu = new CpuProbe(o);
        var json = new StringBuilder();
        json.Append(CultureInfo.InvariantCulture, $"{{\"mode\":\"{mode}\",\"target\":\"{o.Get("target")}\",\"connections\":{n}");
        switch (mode)
        {
            case "throughput":
                await ThroughputAsync(targets, n, o.Int("chunk", 64 * 1024), ramp, seconds, cpu, json);
                break;
            case "cps":
                await ConnectionsAsync(targets, n, o.Int("size", 64), ramp, seconds, cpu, json);
                break;
            default:
                throw new ArgumentException($"--mode is throughput or cps, not '{mode}'");
        }
        json.Append(CultureInfo.InvariantCulture, $",\"load1\":{File.ReadAllText("/proc/loadavg").Split(' ')[0]}}}");
        Console.WriteLine(json.ToString());
        return 0;
    }

    private static async Task ThroughputAsync(IPEndPoint[] targets, int n, int chunk, double ramp, double seconds, CpuProbe cpu, StringBuilder json)
    {
        var payload = new byte[chunk];
        new Random(42).NextBytes(payload);
        var streams = new Flow[n];
        var sockets = new Socket[n];
        for (var i = 0; i < n; i++)
        {
            streams[i] = new Flow();
            sockets[i] = await Net.ConnectAsync(targets[i % targets.Length]);
        }
        var stop = 0;
        var tasks = new List<Task>();
        for (var i = 0; i < n; i++)
        {
            var (socket, stream) = (sockets[i], streams[i]);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    while (Volatile.Read(ref stop) == 0)
                    {
                        await Net.SendAllAsync(socket, payload);
                    }
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    Interlocked.Increment(ref stream.Errors);
                }
            }));
            tasks.Add(Task.Run(async () =>
            {
                var buffer = new byte[chunk];
                try
                {
                    while (true)
                    {
                        var read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None);
                        if (read == 0)
                        {
                            break;
                        }
                        Volatile.Write(ref stream.Received, stream.Received + read);
                    }
                }
                catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                {
                    Interlocked.Increment(ref stream.Errors);
                }
            }));
        }
        await Task.Delay(TimeSpan.FromSeconds(ramp));
        long Sum() => streams.Sum(s => Volatile.Read(ref s.Received));
        var bytes0 = Sum();
        var c0 = cpu.Take();
        var started = Stopwatch.GetTimestamp();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var bytes1 = Sum();
        var c1 = cpu.Take();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref stop, 1);
        // Every sender half-closes, the echo drains and the backend's FIN ends each receiver; a stuck one is cut.
        var all = Task.WhenAll(tasks);
        if (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10))) != all)
        {
            Console.Error.WriteLine("throughput: connections did not drain within 10 s; closing them");
        }
        foreach (var s in sockets)
        {
            s.Dispose();
        }
        var bytes = bytes1 - bytes0;
        json.Append(CultureInfo.InvariantCulture, $",\"bytes\":{bytes},\"mb_per_s\":{bytes / elapsed / 1e6:0.0},\"errors\":{streams.Sum(s => s.Errors)}");
        cpu.Append(json, c0, c1, elapsed);
    }

    private static async Task ConnectionsAsync(IPEndPoint[] targets, int n, int size, double ramp, double seconds, CpuProbe cpu, StringBuilder json)
    {
        var request = new byte[size];
        new Random(7).NextBytes(request);
        var loops = new Loop[n];
        long windowStart = long.MaxValue, windowEnd = long.MaxValue;
        var stop = 0;
        var tasks = new Task[n];
        for (var i = 0; i < n; i++)
        {
            var loop = loops[i] = new Loop();
            var first = i;
            tasks[i] = Task.Run(async () =>
            {
                var buffer = new byte[Math.Max(size, 4096)];
                var next = first;
                while (Volatile.Read(ref stop) == 0)
                {
                    var target = targets[next++ % targets.Length];
                    var t0 = Stopwatch.GetTimestamp();
                    var ok = false;
                    try
                    {
                        using var socket = await Net.ConnectAsync(target);
                        await Net.SendAllAsync(socket, request);
                        var got = 0;
                        while (got < size)
                        {
                            var read = await socket.ReceiveAsync(buffer.AsMemory(got, size - got), SocketFlags.None);
                            if (read == 0)
                            {
                                break;
                            }
                            got += read;
                        }
                        if (got == size && buffer.AsSpan(0, size).SequenceEqual(request))
                        {
                            socket.Shutdown(SocketShutdown.Send);
                            // wait for the other side's FIN, so the proxy has finished with this connection too
                            while (await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None) > 0)
                            {
                            }
                            ok = true;
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
                    {
                    }
                    var t1 = Stopwatch.GetTimestamp();
                    if (t1 >= Volatile.Read(ref windowStart) && t1 < Volatile.Read(ref windowEnd))
                    {
                        if (ok)
                        {
                            loop.Completed++;
                            loop.Latencies.Add(t1 - t0);
                        }
                        else
                        {
                            loop.Errors++;
                        }
                    }
                    if (!ok)
                    {
                        await Task.Delay(1);
                    }
                }
            });
        }
        await Task.Delay(TimeSpan.FromSeconds(ramp));
        var c0 = cpu.Take();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref windowStart, started);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        var ended = Stopwatch.GetTimestamp();
        Volatile.Write(ref windowEnd, ended);
        var c1 = cpu.Take();
        Volatile.Write(ref stop, 1);
        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started, ended).TotalSeconds;
        var completed = loops.Sum(l => l.Completed);
        var latencies = loops.SelectMany(l => l.Latencies).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        json.Append(CultureInfo.InvariantCulture, $",\"completed\":{completed},\"conn_per_s\":{completed / elapsed:0},\"p50_ms\":{Percentile(0.50):0.000},\"p99_ms\":{Percentile(0.99):0.000},\"errors\":{loops.Sum(l => l.Errors)}");
        cpu.Append(json, c0, c1, elapsed);
    }
}
