namespace ClusterLb.Proxy.Observability;

/// <summary>
/// An append-only file rotated by size: when the next write would take <c>path</c> past the limit, <c>path</c>
/// becomes <c>path.1</c>, <c>path.1</c> becomes <c>path.2</c>, and so on; the file past <c>maxFiles - 1</c> is
/// deleted. A single line larger than the limit still goes into a file of its own. Only the access log's writer
/// task uses it, so it takes no lock.
/// </summary>
public sealed class RotatingFile : IDisposable
{
    private readonly string _path;
    private readonly long _maxSize;
    private readonly int _maxFiles;
    private FileStream _stream;

    /// <summary>Opens (appends to) <paramref name="path"/>, creating its directory.</summary>
    public RotatingFile(string path, long maxSize, int maxFiles)
    {
        _path = Path.GetFullPath(path);
        _maxSize = maxSize;
        _maxFiles = maxFiles;
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        _stream = Open();
    }

    /// <summary>Appends <paramref name="bytes"/>, rotating first when they would not fit.</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        if (_stream.Length > 0 && _stream.Length + bytes.Length > _maxSize)
        {
            Rotate();
        }
        _stream.Write(bytes);
    }

    /// <summary>Pushes written bytes to the operating system.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();

    private void Rotate()
    {
        _stream.Dispose();
        var oldest = $"{_path}.{_maxFiles - 1}";
        if (_maxFiles <= 1)
        {
            File.Delete(_path);
        }
        else
        {
            File.Delete(oldest);
            for (var i = _maxFiles - 2; i >= 1; i--)
            {
                var from = $"{_path}.{i}";
                if (File.Exists(from))
                {
                    File.Move(from, $"{_path}.{i + 1}");
                }
            }
            File.Move(_path, $"{_path}.1");
        }
        _stream = Open();
    }

    private FileStream Open() => new(_path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 64 * 1024);
}
