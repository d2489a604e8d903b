using System.Text;
using System.Text.Json;

namespace DnsCert.Monitoring.Agents;

/// <summary>
/// The agent's on-disk buffer: an append-only file of batches and acknowledgements, one JSON line each
/// (<c>B {batch}</c>, <c>A {batch id}</c>). A batch is appended and fsync'd before it is first sent, so a result the
/// agent measured survives a crash of the agent, of the server or of PostgreSQL; on start the file is replayed and the
/// batches without an acknowledgement are sent again, oldest first (ingestion ignores a batch it already has). The file is
/// deleted only when every batch in it has been acknowledged. A torn last line (the process died mid-write, before the
/// fsync returned, so nobody was told the batch was safe) is cut off.
/// </summary>
public sealed class ResultSpool : IDisposable
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly List<ResultBatch> _pending = [];
    private readonly Lock _lock = new();
    private FileStream? _file;

    private ResultSpool(string path) => Path = path;

    /// <summary>The spool file.</summary>
    public string Path { get; }

    /// <summary>Batches not acknowledged yet, oldest first.</summary>
    public IReadOnlyList<ResultBatch> Pending
    {
        get
        {
            lock (_lock)
            {
                return [.. _pending];
            }
        }
    }

    /// <summary>Results in the pending batches.</summary>
    public int PendingResults
    {
        get
        {
            lock (_lock)
            {
                return _pending.Sum(b => b.Results.Count);
            }
        }
    }

    /// <summary>Opens (and replays) the spool at <paramref name="path"/>.</summary>
    public static ResultSpool Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var spool = new ResultSpool(System.IO.Path.GetFullPath(path));
        spool.Replay();
        return spool;
    }

    /// <summary>The spool file of a vantage point in a folder (the name made safe for a file name).</summary>
    public static string FileFor(string directory, string vantagePoint)
    {
        ArgumentNullException.ThrowIfNull(vantagePoint);
        var safe = new StringBuilder();
        foreach (var c in vantagePoint)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' ? c : '_');
        }

        return System.IO.Path.Combine(directory, safe + ".spool");
    }

    /// <summary>Appends a batch and forces it to disk; only then may it be sent.</summary>
    public void Append(ResultBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_lock)
        {
            Write("B " + JsonSerializer.Serialize(batch, s_json));
            _pending.Add(batch);
        }
    }

    /// <summary>Records the server's acknowledgement; deletes the file when nothing is pending any more.</summary>
    public void Acknowledge(Guid batchId)
    {
        lock (_lock)
        {
            var index = _pending.FindIndex(b => b.BatchId == batchId);
            if (index < 0)
            {
                return;
            }

            _pending.RemoveAt(index);
            if (_pending.Count == 0)
            {
                _file?.Dispose();
                _file = null;
                File.Delete(Path);
            }
            else
            {
                Write("A " + batchId.ToString("D"));
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private void Write(string line)
    {
        if (_file is null)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            _file = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read);
        }

        var bytes = Encoding.UTF8.GetBytes(line + "\n");
        _file.Write(bytes);
        // fsync: the batch (or acknowledgement) is on disk before anyone acts on it.
        _file.Flush(flushToDisk: true);
    }

    private void Replay()
    {
        if (!File.Exists(Path))
        {
            return;
        }

        var bytes = File.ReadAllBytes(Path);
        var complete = Array.LastIndexOf(bytes, (byte)'\n') + 1;
        if (complete < bytes.Length)
        {
            // A torn final line: never fsync'd, never sent, never acknowledged to anyone. Cut it so appends stay aligned.
            using var truncate = new FileStream(Path, FileMode.Open, FileAccess.Write);
            truncate.SetLength(complete);
            truncate.Flush(flushToDisk: true);
        }

        var acknowledged = new HashSet<Guid>();
        var batches = new List<ResultBatch>();
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, complete).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("A ", StringComparison.Ordinal) && Guid.TryParse(line.AsSpan(2), out var id))
            {
                acknowledged.Add(id);
            }
            else if (line.StartsWith("B ", StringComparison.Ordinal))
            {
                if (JsonSerializer.Deserialize<ResultBatch>(line.AsSpan(2), s_json) is { } batch)
                {
                    batches.Add(batch);
                }
            }
        }

        _pending.AddRange(batches.Where(b => !acknowledged.Contains(b.BatchId)));
        if (_pending.Count == 0)
        {
            File.Delete(Path);
        }
    }
}
