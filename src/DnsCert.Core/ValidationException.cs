namespace DnsCert.Core;

/// <summary>
/// Bad input, caught at the edge before anything is written. <see cref="Field"/> names what was wrong and
/// <see cref="Reason"/> says why, so the API can answer with a ProblemDetails and the CLI with one line.
/// </summary>
public sealed class ValidationException : Exception
{
    public ValidationException(string field, string reason)
        : base($"{field}: {reason}")
    {
        Field = field;
        Reason = reason;
    }

    public ValidationException()
        : this("input", "is invalid")
    {
    }

    public ValidationException(string message)
        : this("input", message)
    {
    }

    public ValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "input";
        Reason = message;
    }

    public string Field { get; } = "input";

    public string Reason { get; } = "is invalid";
}
