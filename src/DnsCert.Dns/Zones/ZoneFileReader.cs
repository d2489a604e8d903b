using System.IO.Compression;
using System.Runtime.CompilerServices;
using DnsCert.Dns.Names;
using DnsCert.Dns.Records;

namespace DnsCert.Dns.Zones;

/// <summary>
/// Streaming RFC 1035 §5 master-file reader: records are produced one at a time as lines are read, so a zone is
/// never held in memory just to be parsed. Supports $ORIGIN, $TTL, $INCLUDE and BIND's $GENERATE.
/// </summary>
public static class ZoneFileReader
{
    /// <summary>Reads records from text.</summary>
    /// <exception cref="ZoneFileException">A syntax error, positioned at file, line and column.</exception>
    public static IEnumerable<ResourceRecord> Read(TextReader reader, ZoneFileReaderOptions? options = null, string fileName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new ZoneFileReaderOptions();
        var parser = new ZoneEntryParser(options, fileName, options.Origin ?? DnsName.Root);
        return ReadCore(reader, parser, options, options.BaseDirectory ?? Directory.GetCurrentDirectory(), 0);
    }

    /// <summary>Reads records from a stream of UTF-8 (or BOM-marked) text; the stream is not closed.</summary>
    public static IEnumerable<ResourceRecord> Read(Stream stream, ZoneFileReaderOptions? options = null, string fileName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadStreamCore(stream, options, fileName);
    }

    private static IEnumerable<ResourceRecord> ReadStreamCore(Stream stream, ZoneFileReaderOptions? options, string fileName)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        foreach (var record in Read(reader, options, fileName))
        {
            yield return record;
        }
    }

    /// <summary>Reads records asynchronously from a stream of text; the stream is not closed.</summary>
    public static IAsyncEnumerable<ResourceRecord> ReadAsync(Stream stream, ZoneFileReaderOptions? options = null,
        string fileName = "<stream>", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return ReadStreamCoreAsync(stream, options, fileName, cancellationToken);
    }

    private static async IAsyncEnumerable<ResourceRecord> ReadStreamCoreAsync(Stream stream, ZoneFileReaderOptions? options,
        string fileName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, leaveOpen: true);
        await foreach (var record in ReadAsync(reader, options, fileName, cancellationToken))
        {
            yield return record;
        }
    }

    /// <summary>Reads a zone file from disk; <c>.gz</c> files are decompressed on the fly.</summary>
    public static IEnumerable<ResourceRecord> ReadFile(string path, ZoneFileReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ZoneFileReaderOptions();
        var parser = new ZoneEntryParser(options, path, options.Origin ?? DnsName.Root);
        return ReadFileCore(path, parser, options, 0);
    }

    /// <summary>Reads records asynchronously from text.</summary>
    public static IAsyncEnumerable<ResourceRecord> ReadAsync(TextReader reader, ZoneFileReaderOptions? options = null,
        string fileName = "<stream>", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= new ZoneFileReaderOptions();
        var parser = new ZoneEntryParser(options, fileName, options.Origin ?? DnsName.Root);
        return ReadCoreAsync(reader, parser, options, options.BaseDirectory ?? Directory.GetCurrentDirectory(), 0, cancellationToken);
    }

    /// <summary>Reads a zone file asynchronously; <c>.gz</c> files are decompressed on the fly.</summary>
    public static IAsyncEnumerable<ResourceRecord> ReadFileAsync(string path, ZoneFileReaderOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ZoneFileReaderOptions();
        var parser = new ZoneEntryParser(options, path, options.Origin ?? DnsName.Root);
        return ReadFileCoreAsync(path, parser, options, 0, cancellationToken);
    }

    private static StreamReader OpenText(string path)
    {
        Stream stream = File.OpenRead(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            stream = new GZipStream(stream, CompressionMode.Decompress);
        }

        return new StreamReader(stream);
    }

    private static IEnumerable<ResourceRecord> ReadFileCore(string path, ZoneEntryParser parser, ZoneFileReaderOptions options, int depth)
    {
        using var reader = OpenText(path);
        foreach (var record in ReadCore(reader, parser, options, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", depth))
        {
            yield return record;
        }
    }

    private static async IAsyncEnumerable<ResourceRecord> ReadFileCoreAsync(string path, ZoneEntryParser parser,
        ZoneFileReaderOptions options, int depth, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = OpenText(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
        await foreach (var record in ReadCoreAsync(reader, parser, options, directory, depth, cancellationToken))
        {
            yield return record;
        }
    }

    private static IEnumerable<ResourceRecord> ReadCore(TextReader reader, ZoneEntryParser parser, ZoneFileReaderOptions options,
        string directory, int depth)
    {
        var tokenizer = new ZoneTokenizer(parser.FileName);
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            var entry = tokenizer.AddLine(line, lineNumber);
            if (entry is null)
            {
                continue;
            }

            foreach (var record in parser.Process(entry, tokenizer.StartsWithBlank, tokenizer.EntryLine, line.Length + 1))
            {
                yield return record;
            }

            if (parser.PendingInclude is { } include)
            {
                var (path, child) = PrepareInclude(parser, include, options, directory, depth);
                foreach (var record in ReadFileCore(path, child, options, depth + 1))
                {
                    yield return record;
                }
            }
        }

        tokenizer.Finish();
    }

    private static async IAsyncEnumerable<ResourceRecord> ReadCoreAsync(TextReader reader, ZoneEntryParser parser,
        ZoneFileReaderOptions options, string directory, int depth, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var tokenizer = new ZoneTokenizer(parser.FileName);
        var lineNumber = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            lineNumber++;
            var entry = tokenizer.AddLine(line, lineNumber);
            if (entry is null)
            {
                continue;
            }

            foreach (var record in parser.Process(entry, tokenizer.StartsWithBlank, tokenizer.EntryLine, line.Length + 1))
            {
                yield return record;
            }

            if (parser.PendingInclude is { } include)
            {
                var (path, child) = PrepareInclude(parser, include, options, directory, depth);
                await foreach (var record in ReadFileCoreAsync(path, child, options, depth + 1, cancellationToken))
                {
                    yield return record;
                }
            }
        }

        tokenizer.Finish();
    }

    private static (string Path, ZoneEntryParser Child) PrepareInclude(ZoneEntryParser parser,
        (string Path, DnsName Origin, ZoneToken Token) include, ZoneFileReaderOptions options, string directory, int depth)
    {
        if (depth + 1 > options.MaxIncludeDepth)
        {
            throw new ZoneFileException(parser.FileName, include.Token.Line, include.Token.Column,
                $"$INCLUDE nested deeper than {options.MaxIncludeDepth}");
        }

        var path = Path.IsPathRooted(include.Path) ? include.Path : Path.Combine(directory, include.Path);
        if (!File.Exists(path))
        {
            throw new ZoneFileException(parser.FileName, include.Token.Line, include.Token.Column, $"cannot open $INCLUDE file '{include.Path}'");
        }

        return (path, parser.CreateChild(path, include.Origin));
    }
}
