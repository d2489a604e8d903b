namespace DnsCert.Dns.Zones;

/// <summary>One presentation-format token. <see cref="Text"/> keeps backslash escapes; quotes are removed.</summary>
internal readonly record struct ZoneToken(string Text, bool Quoted, int Line, int Column);
