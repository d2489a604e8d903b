using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DnsCert.Monitoring.Agents;

/// <summary>
/// The agent protocol over HTTP (<c>/api/v1/agent/…</c>, bearer token of scope <c>agent</c>). Network errors, timeouts
/// and 5xx/429 answers are <see cref="AgentServerUnavailableException"/> (keep the results, try later); 400/401/403/422
/// are <see cref="AgentRequestRejectedException"/> carrying the problem detail the server sent.
/// </summary>
public sealed class HttpAgentServer : IAgentServer
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    /// <param name="http">A client whose lifetime the caller owns.</param>
    /// <param name="server">The server's base address, e.g. https://dnscert.example.org/.</param>
    /// <param name="token">An API token with scope <c>agent</c>.</param>
    public HttpAgentServer(HttpClient http, Uri server, string token)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(server);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        _http = http;
        Server = server;
        Token = token.Trim();
    }

    public Uri Server { get; }

    private string Token { get; }

    public Task<AgentWork> GetWorkAsync(string vantagePoint, CancellationToken cancellationToken) =>
        SendAsync<AgentWork>(HttpMethod.Get, "api/v1/agent/work?vantagePoint=" + Uri.EscapeDataString(vantagePoint), null, cancellationToken);

    public Task<BatchAcknowledgement> PushAsync(ResultBatch batch, CancellationToken cancellationToken) =>
        SendAsync<BatchAcknowledgement>(HttpMethod.Post, "api/v1/agent/results", batch, cancellationToken);

    public Task<HeartbeatReply> HeartbeatAsync(AgentHeartbeat heartbeat, CancellationToken cancellationToken) =>
        SendAsync<HeartbeatReply>(HttpMethod.Post, "api/v1/agent/heartbeat", heartbeat, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(Server, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: s_json);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new AgentServerUnavailableException($"server unreachable: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AgentServerUnavailableException("server did not answer in time", e);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                try
                {
                    return await response.Content.ReadFromJsonAsync<T>(s_json, cancellationToken)
                        ?? throw new AgentServerUnavailableException("server sent an empty answer");
                }
                catch (Exception e) when (e is JsonException or HttpRequestException or NotSupportedException)
                {
                    throw new AgentServerUnavailableException($"server sent an unreadable answer: {e.Message}", e);
                }
            }

            var detail = await ReadDetailAsync(response, cancellationToken);
            if (status is 400 or 401 or 403 or 404 or 413 or 422)
            {
                throw new AgentRequestRejectedException(response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => $"the server refused the token ({status}); it needs scope agent",
                    _ => $"the server refused the request ({status}): {detail}",
                })
                { StatusCode = status };
            }

            throw new AgentServerUnavailableException($"server answered {status}: {detail}");
        }
    }

    private static async Task<string> ReadDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length == 0)
            {
                return response.ReasonPhrase ?? "";
            }

            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("detail", out var detail) ? detail.ToString()
                : document.RootElement.TryGetProperty("title", out var title) ? title.ToString() : text;
        }
        catch (Exception e) when (e is JsonException or HttpRequestException)
        {
            return response.ReasonPhrase ?? "";
        }
    }
}
