using System.Security.Cryptography;

namespace DnsCert.Core.Accounts;

/// <summary>Generated passwords people can read aloud and type: no 0/O, 1/l/I.</summary>
public static class PasswordGenerator
{
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /// <summary>20 characters from a 56-symbol alphabet: about 116 bits of entropy.</summary>
    public const int DefaultLength = 20;

    public static string Generate(int length = DefaultLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 12);
        return RandomNumberGenerator.GetString(Alphabet, length);
    }
}
