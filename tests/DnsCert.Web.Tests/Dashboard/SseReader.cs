using System.Globalization;
using System.Text;

namespace DnsCert.Web.Tests.Dashboard;

/// <summary>One server-sent event as the HTML standard's parser assembles it.</summary>
public sealed record ServerSentEvent(string Id, string Name, string Data);

/// <summary>
/// A minimal client of a text/event-stream response (WHATWG HTML §9.2 parsing: fields, comments, blank line
/// dispatches), reading on a background task so a test can wait for the next event with a time limit.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly System.Threading.Channels.Channel<ServerSentEvent> _events = System.Threading.Channels.Channel.CreateUnbounded<ServerSentEvent>();
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _raw = new();
    private readonly Task _reading;

    private SseReader(HttpResponseMessage response)
    {
        Response = response;
        _reading = response.IsSuccessStatusCode ? ReadAsync() : Task.CompletedTask;
    }

    public HttpResponseMessage Response { get; }

    /// <summary>The reconnection time the server asked for (retry:), if any.</summary>
    public int? Retry { get; private set; }

    /// <summary>Everything received so far, comments included.</summary>
    public string Raw
    {
        get
        {
            lock (_raw)
            {
                return _raw.ToString();
            }
        }
    }

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return new SseReader(await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead));
    }

    /// <summary>The next event, or null when none arrives within <paramref name="limit"/>.</summary>
    public async Task<ServerSentEvent?> NextAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.Zero);
        try
        {
            return await _events.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            return null;
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            await using var body = await Response.Content.ReadAsStreamAsync(_stop.Token);
            using var reader = new StreamReader(body, Encoding.UTF8);
            string id = "", name = "message";
            var data = new StringBuilder();
            var hasData = false;
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                lock (_raw)
                {
                    _raw.Append(line).Append('\n');
                }

                if (line.Length == 0)
                {
                    if (hasData)
                    {
                        await _events.Writer.WriteAsync(new ServerSentEvent(id, name, data.ToString()), _stop.Token);
                    }

                    (name, hasData) = ("message", false);
                    data.Clear();
                    continue;
                }

                if (line.StartsWith(':'))
                {
                    continue;
                }

                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var field = colon < 0 ? line : line[..colon];
                var value = colon < 0 ? "" : line[(colon + 1)..];
                value = value.StartsWith(' ') ? value[1..] : value;
                switch (field)
                {
                    case "id":
                        id = value;
                        break;
                    case "event":
                        name = value;
                        break;
                    case "retry":
                        Retry = int.Parse(value, CultureInfo.InvariantCulture);
                        break;
                    case "data":
                        data.Append(hasData ? "\n" : "").Append(value);
                        hasData = true;
                        break;
                    default:
                        break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
        catch (IOException)
        {
            // The server closed the stream.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Response.Dispose();
        try
        {
            await _reading;
        }
        catch (Exception e) when (e is ObjectDisposedException or HttpRequestException)
        {
            // Torn down while reading.
        }

        _stop.Dispose();
    }
}
