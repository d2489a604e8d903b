using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;

namespace DnsCert.Cli.Commands;

/// <summary>
/// <c>dnscert mailgate</c>: what an MTA pipes received mail into (Postfix <c>pipe</c>, like RTIR's rt-mailgate). Reads
/// one RFC 5322 message on standard input and posts it to the server's intake with an API token of scope
/// <c>mail:intake</c>. Exit codes follow sysexits.h, which Postfix understands: 0 taken, 65 malformed (kept by the
/// server, bounced by the MTA), 75 try again later (server unreachable, a server error such as its database
/// being down, or an answer that broke off), 77 token refused.
/// </summary>
internal static class MailgateCommand
{
    public const int DataError = 65;
    public const int TemporaryFailure = 75;
    public const int NoPermission = 77;

    /// <summary>The environment variable holding the token (an MTA's pipe can set it; it never goes on a command line).</summary>
    public const string TokenVariable = "DNSCERT_MAILGATE_TOKEN";

    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The DnsCert server (https://dnscert.example.org).", Required = true };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the server.", DefaultValueFactory = _ => 60 };
        var command = new Command("mailgate", $"Post one mail read on standard input to the server (token in {TokenVariable}).")
        {
            server, timeout,
        };
        command.SetAction(async (parseResult, ct) =>
        {
            if (!Uri.TryCreate(parseResult.GetValue(server), UriKind.Absolute, out var serverUri) || serverUri.Scheme is not ("https" or "http"))
            {
                Console.Error.WriteLine("dnscert: mailgate: --server: give the server's address, https://dnscert.example.org");
                return DataError;
            }

            var token = Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(token))
            {
                Console.Error.WriteLine($"dnscert: mailgate: set {TokenVariable} to an API token with scope mail:intake");
                return NoPermission;
            }

            using var input = Console.OpenStandardInput();
            using var buffer = new MemoryStream();
            await input.CopyToAsync(buffer, ct);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(parseResult.GetValue(timeout)) };
            using var content = new ByteArrayContent(buffer.ToArray());
            content.Headers.ContentType = new MediaTypeHeaderValue("message/rfc822");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(serverUri, "/api/v1/mail/intake")) { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Trim());
            HttpResponseMessage response;
            try
            {
                // Headers first: a body that breaks off is then reported as such below, not as an unreachable server.
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Console.Error.WriteLine($"dnscert: mailgate: server unreachable, the MTA will retry: {e.Message}");
                return TemporaryFailure;
            }

            using (response)
            {
                string body;
                try
                {
                    body = await response.Content.ReadAsStringAsync(ct);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
                {
                    // The server may or may not have stored the mail. EX_TEMPFAIL makes the MTA keep it and retry: at
                    // worst a report is filed twice, never a mail lost or bounced back to its sender.
                    Console.Error.WriteLine($"dnscert: mailgate: the server's answer broke off, the MTA will retry: {e.Message}");
                    return TemporaryFailure;
                }

                switch ((int)response.StatusCode)
                {
                    case 200:
                        Console.WriteLine("mailgate: " + Summary(body));
                        return 0;
                    case 422:
                        Console.Error.WriteLine("dnscert: mailgate: malformed mail rejected (kept in quarantine on the server): " + Summary(body));
                        return DataError;
                    case 401 or 403:
                        Console.Error.WriteLine("dnscert: mailgate: the server refused the token (needs scope mail:intake)");
                        return NoPermission;
                    case 413:
                        Console.Error.WriteLine("dnscert: mailgate: message too large");
                        return DataError;
                    default:
                        Console.Error.WriteLine($"dnscert: mailgate: server answered {(int)response.StatusCode}; the MTA will retry");
                        return TemporaryFailure;
                }
            }
        });
        return command;
    }

    private static string Summary(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            string Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : "-";
            return $"disposition={Field("disposition")} ticket={Field("ticket")} report={Field("reportId")} signature={Field("signature")} problem={Field("problem")}";
        }
        catch (JsonException)
        {
            return json;
        }
    }
}
