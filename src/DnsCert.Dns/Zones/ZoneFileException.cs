namespace DnsCert.Dns.Zones;

/// <summary>
/// A syntax or semantic error in zone-file / presentation-format text, positioned at a file, line and column
/// (both 1-based) so an operator can go straight to the offending token.
/// </summary>
public sealed class ZoneFileException : Exception
{
    /// <summary>Creates a positioned error.</summary>
    public ZoneFileException(string fileName, int line, int column, string reason)
        : base($"{fileName}:{line}:{column}: {reason}")
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>Creates a positioned error with a cause.</summary>
    public ZoneFileException(string fileName, int line, int column, string reason, Exception innerException)
        : base($"{fileName}:{line}:{column}: {reason}", innerException)
    {
        FileName = fileName;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>Creates an unpositioned error.</summary>
    public ZoneFileException()
        : this("<unknown>", 0, 0, "zone file error")
    {
    }

    /// <summary>Creates an unpositioned error.</summary>
    public ZoneFileException(string message)
        : this("<unknown>", 0, 0, message)
    {
    }

    /// <summary>Creates an unpositioned error with a cause.</summary>
    public ZoneFileException(string message, Exception innerException)
        : this("<unknown>", 0, 0, message, innerException)
    {
    }

    /// <summary>File name as given to the reader (or <c>&lt;string&gt;</c>).</summary>
    public string FileName { get; }

    /// <summary>1-based line number.</summary>
    public int Line { get; }

    /// <summary>1-based column number of the offending token.</summary>
    public int Column { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; }
}
