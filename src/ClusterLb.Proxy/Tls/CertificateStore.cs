using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace ClusterLb.Proxy.Tls;

/// <summary>
/// The HTTPS listener's certificates, kept current with their PEM files. The files' directories are watched
/// (a <see cref="FileSystemWatcher"/>, so an editor's write-and-rename or a Kubernetes Secret's <c>..data</c>
/// symlink swap is seen within a second) and every file is also re-read each <see cref="HttpsSettings.ReloadInterval"/>,
/// which catches what a watcher misses (network file systems, an exhausted inotify limit). A check compares the
/// files' contents, not their times. A certificate whose files changed is loaded on its own; when it loads, a new
/// <see cref="CertificateTable"/> replaces the old one in a single reference swap: handshakes from then on use it,
/// connections already established keep the certificate they were opened with. When it does not load (a
/// half-written file, a key of another certificate), the old certificate stays in service and the reason is
/// logged once and shown in <c>/status</c> until the files are fixed.
/// </summary>
public sealed partial class CertificateStore : IDisposable
{
    /// <summary>How long after the last file event a check runs, so both files of a pair are written first.</summary>
    public static readonly TimeSpan SettleDelay = TimeSpan.FromMilliseconds(500);

    private readonly HttpsSettings _settings;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly string?[] _errors;
    private readonly string?[] _tried;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Timer _settle;
    private Timer? _poll;
    private volatile CertificateTable _table;
    private long _checks;
    private long _failures;
    private bool _disposed;

    private CertificateStore(HttpsSettings settings, ILogger logger, CertificateTable table)
    {
        _settings = settings;
        _logger = logger;
        _table = table;
        _errors = new string?[settings.Certificates.Length];
        _tried = new string?[settings.Certificates.Length];
        _settle = new Timer(_ => CheckSafely(), null, Timeout.Infinite, Timeout.Infinite);
    }

    /// <summary>The certificates handshakes choose from now.</summary>
    public CertificateTable Current => _table;

    /// <summary>Checks of the files so far (each looks at every certificate).</summary>
    public long Checks => Interlocked.Read(ref _checks);

    /// <summary>Changed files that could not be loaded so far (the old certificate stayed in service each time).</summary>
    public long FailedReloads => Interlocked.Read(ref _failures);

    /// <summary>Loads every certificate of <paramref name="settings"/>; nothing is watched until <see cref="StartWatching"/>.</summary>
    /// <exception cref="CertificateLoadException">A certificate cannot be loaded (the message names the file and the configuration key).</exception>
    public static CertificateStore Load(HttpsSettings settings, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var loaded = ImmutableArray.CreateBuilder<ServedCertificate>(settings.Certificates.Length);
        foreach (var source in settings.Certificates)
        {
            loaded.Add(PemCertificateLoader.Load(source));
        }
        var store = new CertificateStore(settings, logger, CertificateTable.Build(loaded.MoveToImmutable(), settings.DefaultCertificate));
        foreach (var certificate in store._table.Certificates)
        {
            store.LogLoaded(certificate.Source.ConfigPath, certificate.Subject, Names(certificate), certificate.NotAfter);
            store.WarnIfOutOfDate(certificate);
        }
        return store;
    }

    /// <summary>Starts watching the files' directories and the periodic re-read.</summary>
    public void StartWatching()
    {
        lock (_gate)
        {
            if (_disposed || _poll is not null)
            {
                return;
            }
            var directories = _settings.Certificates
                .SelectMany(s => new[] { s.Certificate, s.Key })
                .Select(p => Path.GetDirectoryName(Path.GetFullPath(p)))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal);
            foreach (var directory in directories)
            {
                try
                {
                    var watcher = new FileSystemWatcher(directory)
                    {
                        IncludeSubdirectories = false,
                        NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                    };
                    watcher.Changed += OnFileEvent;
                    watcher.Created += OnFileEvent;
                    watcher.Deleted += OnFileEvent;
                    watcher.Renamed += OnFileEvent;
                    watcher.Error += (_, _) => Settle();
                    watcher.EnableRaisingEvents = true;
                    _watchers.Add(watcher);
                }
                catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
                {
                    LogWatchFailed(directory, _settings.ReloadInterval, e.Message);
                }
            }
            var interval = _settings.ReloadInterval > TimeSpan.Zero ? _settings.ReloadInterval : Timeout.InfiniteTimeSpan;
            _poll = new Timer(_ => CheckSafely(), null, interval, interval);
        }
    }

    /// <summary>
    /// Looks at every certificate's files now: a changed pair that loads replaces its certificate, one that does
    /// not is reported and the old certificate kept. Returns whether the table changed.
    /// </summary>
    public bool CheckNow()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return false;
            }
            Interlocked.Increment(ref _checks);
            var current = _table;
            ImmutableArray<ServedCertificate>.Builder? next = null;
            for (var i = 0; i < _settings.Certificates.Length; i++)
            {
                var source = _settings.Certificates[i];
                var served = current.Certificates[i];
                byte[] certificate, key;
                try
                {
                    (certificate, key) = PemCertificateLoader.ReadFiles(source);
                }
                catch (CertificateLoadException e)
                {
                    var unreadable = "unreadable: " + e.Message;
                    if (_tried[i] != unreadable)
                    {
                        Fail(i, unreadable, e);
                    }
                    continue;
                }
                var hash = PemCertificateLoader.HashOf(certificate, key);
                if (hash == served.ContentHash)
                {
                    // Back to (or still) what is served: a failed edit undone, a file touched, a symlink re-pointed.
                    _tried[i] = hash;
                    _errors[i] = null;
                    continue;
                }
                if (hash == _tried[i])
                {
                    // The same contents already failed and were reported.
                    continue;
                }
                try
                {
                    var loaded = PemCertificateLoader.Load(source, certificate, key);
                    next ??= current.Certificates.ToBuilder();
                    next[i] = loaded;
                    _tried[i] = hash;
                    _errors[i] = null;
                    LogReloaded(source.ConfigPath, source.Certificate, loaded.Subject, Names(loaded), loaded.NotAfter, served.NotAfter);
                    WarnIfOutOfDate(loaded);
                }
                catch (CertificateLoadException e)
                {
                    Fail(i, hash, e);
                }
            }
            if (next is null)
            {
                return false;
            }
            _table = CertificateTable.Build(next.ToImmutable(), _settings.DefaultCertificate, current.Generation + 1);
            // The old certificates are not disposed: handshakes that picked them a moment ago may still be using them.
            return true;
        }
    }

    /// <summary>Why certificate <paramref name="index"/>'s files on disk are not the ones served, null when they are.</summary>
    public string? ReloadError(int index)
    {
        lock (_gate)
        {
            return _errors[index];
        }
    }

    /// <summary>The certificates as <c>/status</c> shows them.</summary>
    public IReadOnlyList<CertificateStatus> Describe()
    {
        var table = _table;
        return table.Certificates.Select((c, i) => new CertificateStatus(c.Names, c.Subject, c.NotAfter, i == table.DefaultIndex)
        {
            ReloadError = ReloadError(i),
        }).ToList();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var watcher in _watchers)
            {
                watcher.Dispose();
            }
            _watchers.Clear();
            _poll?.Dispose();
            _settle.Dispose();
        }
    }

    private void Fail(int index, string tried, CertificateLoadException e)
    {
        _tried[index] = tried;
        _errors[index] = e.Reason;
        Interlocked.Increment(ref _failures);
        var served = _table.Certificates[index];
        LogReloadFailed(e.Message, served.Subject, served.NotAfter);
    }

    private void OnFileEvent(object sender, FileSystemEventArgs e) => Settle();

    private void Settle()
    {
        try
        {
            _settle.Change(SettleDelay, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Stopped meanwhile.
        }
    }

    private void CheckSafely()
    {
        try
        {
            CheckNow();
        }
        catch (Exception e)
        {
            // A timer thread must not die of it; the old certificates stay in service.
            LogCheckFailed(e);
        }
    }

    private void WarnIfOutOfDate(ServedCertificate certificate)
    {
        var now = DateTimeOffset.UtcNow;
        if (certificate.NotAfter < now)
        {
            LogExpired(certificate.Source.ConfigPath, certificate.Source.Certificate, certificate.NotAfter);
        }
        else if (certificate.NotBefore > now)
        {
            LogNotYetValid(certificate.Source.ConfigPath, certificate.Source.Certificate, certificate.NotBefore);
        }
    }

    private static string Names(ServedCertificate certificate) =>
        certificate.Names.IsEmpty ? "(no DNS names)" : string.Join(", ", certificate.Names);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTPS certificate {ConfigPath}: {Subject} for {Names}, valid until {NotAfter:u}")]
    private partial void LogLoaded(string configPath, string subject, string names, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reloaded HTTPS certificate {ConfigPath} from {Certificate}: {Subject} for {Names}, valid until {NotAfter:u} (was until {OldNotAfter:u}); new handshakes use it, open connections keep theirs")]
    private partial void LogReloaded(string configPath, string certificate, string subject, string names, DateTimeOffset notAfter, DateTimeOffset oldNotAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTPS certificate files changed but cannot be loaded, so the certificate in use ({Subject}, valid until {NotAfter:u}) stays: {Reason}")]
    private partial void LogReloadFailed(string reason, string subject, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTPS certificate {ConfigPath} ({Certificate}) expired at {NotAfter:u}; clients will refuse it")]
    private partial void LogExpired(string configPath, string certificate, DateTimeOffset notAfter);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTPS certificate {ConfigPath} ({Certificate}) is not valid before {NotBefore:u}; clients will refuse it until then")]
    private partial void LogNotYetValid(string configPath, string certificate, DateTimeOffset notBefore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot watch {Directory} for certificate changes ({Reason}); the files are re-read every {Interval} instead")]
    private partial void LogWatchFailed(string directory, TimeSpan interval, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking the HTTPS certificate files failed; the certificates in use stay")]
    private partial void LogCheckFailed(Exception exception);
}

/// <summary>One certificate of the HTTPS listener in <c>/status</c>.</summary>
/// <param name="ServerNames">The SNI names it is chosen for.</param>
/// <param name="Subject">The leaf's subject.</param>
/// <param name="NotAfter">Its expiry.</param>
/// <param name="Default">Whether a client without a matching name gets it.</param>
public sealed record CertificateStatus(IReadOnlyList<string> ServerNames, string Subject, DateTimeOffset NotAfter, bool Default)
{
    /// <summary>Why the files on disk are not the ones served (the last reload failed), absent when they are.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? ReloadError { get; init; }
}
