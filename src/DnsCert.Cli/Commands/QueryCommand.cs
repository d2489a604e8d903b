using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsCert.Dns;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Dns.Transport;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert query &lt;name&gt; [type] @&lt;server&gt; [+dnssec] [+tcp] [+nsid] [+norec] [+time=s] [+retry=n]</c>: one
/// query with <see cref="DnsClient"/>, printed like dig, with the exchange evidence. Exit 0 when a response arrived
/// (whatever its RCODE), 1 when none did, 2 for bad input.
/// </summary>
internal static class QueryCommand
{
    private const int DefaultPort = 53;

    /// <summary>
    /// Parser settings of the CLI: "@file" still expands a response file that exists, but any other "@word" stays
    /// a word, so that "query ... @127.0.0.1" reaches the verb as dig users type it.
    /// </summary>
    public static ParserConfiguration ParserConfiguration { get; } = new()
    {
        ResponseFileTokenReplacer = (string token, out IReadOnlyList<string>? replacement, out string? error) =>
        {
            replacement = null;
            error = null;
            if (!File.Exists(token))
            {
                return false;
            }

            replacement = File.ReadAllLines(token).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            return true;
        },
    };

    public static Command Create()
    {
        // One free-form argument list, as dig takes it: "@server" and "+flag" tokens mix with the name and type.
        // The server is also accepted as --server because System.CommandLine reads "@file" as a response file.
        var words = new Argument<string[]>("words")
        {
            Arity = ArgumentArity.OneOrMore,
            Description = "name [type] [@server] [+dnssec] [+tcp] [+nsid] [+norec] [+time=seconds] [+retry=n]",
        };
        var server = new Option<string?>("--server", "-s") { Description = "Server address (IPv4 or IPv6, optional #port); same as @server" };
        var command = new Command("query", "Send one DNS query and print the response like dig, with the exchange evidence.") { words };
        command.Options.Add(server);
        command.SetAction((p, ct) => CliDatabase.RunAsync(() => RunAsync(p.GetValue(words) ?? [], p.GetValue(server), Console.Out, ct)));
        return command;
    }

    internal sealed record QueryRequest(DnsName Name, DnsRecordType Type, IPEndPoint Server, DnsClientOptions Options, bool RecursionDesired);

    /// <summary>Turns dig-style words into a request; <see cref="CliException"/> with exit code 2 for bad input.</summary>
    internal static QueryRequest ParseWords(IReadOnlyList<string> words, string? serverOption)
    {
        string? name = null;
        string? typeText = null;
        var serverText = serverOption;
        bool dnssec = false, tcp = false, nsid = false, recurse = true;
        var timeout = TimeSpan.FromSeconds(2);
        var retries = 1;
        foreach (var word in words)
        {
            if (word.StartsWith('@'))
            {
                serverText = word[1..];
            }
            else if (word.StartsWith('+'))
            {
                var (flag, value) = word.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (word[1..eq], word[(eq + 1)..]) : (word[1..], null);
                switch (flag.ToLowerInvariant())
                {
                    case "dnssec": dnssec = true; break;
                    case "nodnssec": dnssec = false; break;
                    case "tcp": tcp = true; break;
                    case "notcp": tcp = false; break;
                    case "nsid": nsid = true; break;
                    case "nonsid": nsid = false; break;
                    case "rec": recurse = true; break;
                    case "norec": recurse = false; break;
                    case "time" when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 300:
                        timeout = TimeSpan.FromSeconds(s);
                        break;
                    case "retry" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var r) && r <= 10:
                        retries = r;
                        break;
                    default: throw new CliException(2, $"unknown or malformed query option '{word}'");
                }
            }
            else if (name is null)
            {
                name = word;
            }
            else if (typeText is null)
            {
                typeText = word;
            }
            else
            {
                throw new CliException(2, $"unexpected word '{word}' (usage: query <name> [type] @<server> [+dnssec +tcp +nsid])");
            }
        }

        if (name is null)
        {
            throw new CliException(2, "no name to query");
        }

        if (!DnsName.TryParse(name.EndsWith('.') ? name : name + ".", null, out var dnsName))
        {
            throw new CliException(2, $"bad name '{name}'");
        }

        var type = DnsRecordType.A;
        if (typeText is not null && !DnsMnemonics.TryParseType(typeText.ToUpperInvariant(), out type))
        {
            throw new CliException(2, $"unknown record type '{typeText}' (use a mnemonic such as AAAA or the TYPEnnn form)");
        }

        if (serverText is null)
        {
            throw new CliException(2, "no server: give @<address> (e.g. @127.53.0.53)");
        }

        return new QueryRequest(dnsName, type, ParseServer(serverText), new DnsClientOptions
        {
            DnssecOk = dnssec,
            RequestNsid = nsid,
            UseTcpOnly = tcp,
            Timeout = timeout,
            Retries = retries,
        }, recurse);
    }

    /// <summary><c>addr</c>, <c>addr#port</c> (dig), <c>[v6]:port</c> or <c>v4:port</c>; addresses only, no host names.</summary>
    internal static IPEndPoint ParseServer(string text)
    {
        var hash = text.LastIndexOf('#');
        if (hash > 0)
        {
            if (TryParseAddress(text[..hash], out var a) && ushort.TryParse(text[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0)
            {
                return new IPEndPoint(a, p);
            }
        }
        else if (TryParseAddress(text, out var address))
        {
            return new IPEndPoint(address, DefaultPort);
        }
        else if (IPEndPoint.TryParse(text, out var endPoint) && endPoint.Port > 0 && TryParseAddress(text[..text.LastIndexOf(':')].Trim('[', ']'), out _))
        {
            return endPoint;
        }

        throw new CliException(2, $"bad server address '{text}' (an IPv4 or IPv6 address, optionally with #port)");
    }

    // IPAddress.TryParse takes legacy forms ("1.2.3" is 1.2.0.3, "10" is 0.0.0.10); an operator means four parts.
    private static bool TryParseAddress(string text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return !text.Contains('[', StringComparison.Ordinal) && IPAddress.TryParse(text, out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
        }

        return text.Count(c => c == '.') == 3 && text.All(c => c == '.' || char.IsAsciiDigit(c)) && IPAddress.TryParse(text, out address);
    }

    internal static async Task<int> RunAsync(IReadOnlyList<string> words, string? serverOption, TextWriter output, CancellationToken ct)
    {
        var request = ParseWords(words, serverOption);
        await using var client = new DnsClient(request.Server, request.Options);
        DnsExchange exchange;
        try
        {
            exchange = await client.QueryAsync(request.Name, request.Type, recursionDesired: request.RecursionDesired, cancellationToken: ct);
        }
        catch (DnsTimeoutException e)
        {
            throw new CliException(1, $"no answer from {Format(request.Server)} after {e.Attempts.Count} attempt(s) of {request.Options.Timeout.TotalSeconds:0.###} s");
        }
        catch (DnsResponseFormatException e)
        {
            throw new CliException(1, $"malformed response from {Format(request.Server)}: {e.Message}");
        }
        catch (DnsTransportException e)
        {
            throw new CliException(1, $"query to {Format(request.Server)} failed: {e.Message}");
        }

        await output.WriteAsync(Render(exchange));
        return 0;
    }

    /// <summary>The dig-like text of an exchange.</summary>
    internal static string Render(DnsExchange exchange)
    {
        var m = exchange.Response;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.Append(inv, $";; ->>HEADER<<- opcode: {m.OpCode.ToString().ToUpperInvariant()}, status: {RcodeName(m.ResponseCode)}, id: {m.Id}").AppendLine();
        sb.Append(";; flags:");
        foreach (var (set, flag) in new[]
                 {
                     (m.IsResponse, "qr"), (m.IsAuthoritative, "aa"), (m.IsTruncated, "tc"), (m.RecursionDesired, "rd"),
                     (m.RecursionAvailable, "ra"), (m.ZBit, "z"), (m.AuthenticData, "ad"), (m.CheckingDisabled, "cd"),
                 })
        {
            if (set)
            {
                sb.Append(' ').Append(flag);
            }
        }

        var additional = m.Additionals.Count + (m.Edns is null ? 0 : 1) + (m.Tsig is null ? 0 : 1);
        sb.Append(inv, $"; QUERY: {m.Questions.Count}, ANSWER: {m.Answers.Count}, AUTHORITY: {m.Authorities.Count}, ADDITIONAL: {additional}").AppendLine();
        if (m.Edns is { } edns)
        {
            sb.AppendLine().AppendLine(";; OPT PSEUDOSECTION:");
            sb.Append(inv, $"; EDNS: version: {edns.Version}, flags:{(edns.DnssecOk ? " do" : string.Empty)}; udp: {edns.UdpPayloadSize}").AppendLine();
            foreach (var option in edns.Options)
            {
                // NsidOption prints hex and the printable text: NSID=6e7331 ("ns1").
                sb.Append("; ").Append(option).AppendLine();
            }
        }

        sb.AppendLine().AppendLine(";; QUESTION SECTION:");
        foreach (var q in m.Questions)
        {
            sb.Append(';').Append(q).AppendLine();
        }

        foreach (var (title, section) in new[] { ("ANSWER", m.Answers), ("AUTHORITY", m.Authorities), ("ADDITIONAL", m.Additionals) })
        {
            if (section.Count > 0)
            {
                sb.AppendLine().Append(";; ").Append(title).AppendLine(" SECTION:");
                foreach (var record in section)
                {
                    sb.Append(record).AppendLine();
                }
            }
        }

        if (m.Tsig is not null)
        {
            sb.AppendLine().AppendLine(";; TSIG PSEUDOSECTION:").Append(m.Tsig).AppendLine();
        }

        var transport = exchange.Protocol.ToString().ToUpperInvariant();
        sb.AppendLine();
        sb.Append(inv, $";; SERVER: {Format(exchange.Final.Server)} ({transport})").AppendLine();
        sb.Append(inv, $";; Query time: {exchange.RoundTripTime.TotalMilliseconds:0.###} ms").AppendLine();
        sb.Append(inv, $";; WHEN: {exchange.Final.SentAt.UtcDateTime:yyyy-MM-dd HH:mm:ss.fff} UTC").AppendLine();
        sb.Append(inv, $";; MSG SIZE  sent: {exchange.QueryBytes.Length}  rcvd: {exchange.ResponseBytes.Length}").AppendLine();
        if (exchange.Attempts.Count > 1)
        {
            sb.Append(inv, $";; ATTEMPTS: {exchange.Attempts.Count} ({string.Join(", ", exchange.Attempts.Select(a => $"{a.Protocol.ToString().ToUpperInvariant()} {a.Outcome}"))})").AppendLine();
        }

        return sb.ToString();
    }

    private static string RcodeName(DnsResponseCode code) =>
        Enum.IsDefined(code) ? code.ToString().ToUpperInvariant() : "RCODE" + ((int)code).ToString(CultureInfo.InvariantCulture);

    private static string Format(IPEndPoint endPoint) =>
        endPoint.Address.ToString() + "#" + endPoint.Port.ToString(CultureInfo.InvariantCulture);
}
