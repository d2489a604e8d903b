using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using DnsCert.Infrastructure.Persistence;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Options;

namespace DnsCert.Web.Dashboard;

/// <summary>Settings of the <c>Dashboard</c> section: the live stream's limits and timers.</summary>
public sealed class DashboardOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Open streams per person (tabs, windows); one more is refused with 429.</summary>
    public int MaxStreamsPerUser { get; set; } = 4;

    /// <summary>A comment line this often keeps proxies and the browser from closing an idle stream.</summary>
    public double HeartbeatSeconds { get; set; } = 15;

    /// <summary>The fallback: every stream re-reads this often even without a notification.</summary>
    public double RefreshSeconds { get; set; } = 30;

    /// <summary>After a notification, wait this long so a burst of writes (one monitoring cycle) becomes one update.</summary>
    public double CoalesceMilliseconds { get; set; } = 250;

    /// <summary>
    /// A stream ends after this long; the browser reconnects at once (EventSource), and the reconnection passes the
    /// cookie checks again, so a revoked session or a changed role stops receiving within this time.
    /// </summary>
    public double StreamMinutes { get; set; } = 10;
}

public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        void Range(string setting, double value, double min, double max)
        {
            if (double.IsNaN(value) || value < min || value > max)
            {
                failures.Add(string.Create(CultureInfo.InvariantCulture, $"{DashboardOptions.SectionName}:{setting} must be between {min} and {max} (got {value})"));
            }
        }

        Range(nameof(options.MaxStreamsPerUser), options.MaxStreamsPerUser, 1, 100);
        Range(nameof(options.HeartbeatSeconds), options.HeartbeatSeconds, 1, 300);
        Range(nameof(options.RefreshSeconds), options.RefreshSeconds, 1, 3600);
        Range(nameof(options.CoalesceMilliseconds), options.CoalesceMilliseconds, 0, 5000);
        Range(nameof(options.StreamMinutes), options.StreamMinutes, 0.05, 1440);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>Counts open streams per person, so one account cannot hold an unbounded number of connections.</summary>
public sealed class DashboardStreamLimiter(IOptions<DashboardOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public bool TryEnter(string person)
    {
        while (true)
        {
            var count = _open.GetOrAdd(person, 0);
            if (count >= options.Value.MaxStreamsPerUser)
            {
                return false;
            }

            if (_open.TryUpdate(person, count + 1, count))
            {
                return true;
            }
        }
    }

    public void Leave(string person)
    {
        while (_open.TryGetValue(person, out var count))
        {
            if (count <= 1 ? _open.TryRemove(new KeyValuePair<string, int>(person, count)) : _open.TryUpdate(person, count - 1, count))
            {
                return;
            }
        }
    }
}

/// <summary>Renders a Razor partial to a string outside a page, for the live stream (same markup as the first page).</summary>
public sealed class PartialRenderer(IRazorViewEngine engine, ITempDataProvider tempData, IModelMetadataProvider metadata)
{
    public async Task<string> RenderAsync<TModel>(HttpContext context, string path, TModel model)
    {
        ArgumentNullException.ThrowIfNull(context);
        var found = engine.GetView(null, path, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"partial view {path} not found");
        }

        await using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var actionContext = new ActionContext(context, context.GetRouteData(), new ActionDescriptor());
        var viewData = new ViewDataDictionary<TModel>(metadata, new ModelStateDictionary()) { Model = model };
        var viewContext = new ViewContext(actionContext, found.View, viewData, new TempDataDictionary(context, tempData), writer, new HtmlHelperOptions());
        await found.View.RenderAsync(viewContext);
        return writer.ToString();
    }
}

/// <summary>
/// <c>GET /api/v1/dashboard/stream</c>: the dashboard as server-sent events (text/event-stream). Each event is the
/// re-rendered dashboard partial for this person (so it carries only what the visibility predicate lets them see) and
/// its id is a fingerprint of that markup: a reconnecting browser sends it back as Last-Event-ID (or the page passes
/// the first one as <c>?last=</c>) and gets nothing until the picture differs. Updates follow the database's change
/// notifications (<see cref="ChangeFeed"/>) and, as a fallback, a periodic re-read; comment lines keep the stream alive.
/// </summary>
public static class DashboardEvents
{
    public const string Path = "/api/v1/dashboard/stream";

    public const string PartialPath = "/Pages/Dashboard/_Dashboard.cshtml";

    /// <summary>The browser waits this long before reconnecting (SSE <c>retry:</c>).</summary>
    public const int RetryMilliseconds = 3000;

    public static string Fingerprint(string html) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(html)).AsSpan(0, 12));

    /// <summary>An SSE event: every line of the payload behind <c>data: </c> (HTML has no lone CR once normalised).</summary>
    public static string Event(string id, string name, string payload)
    {
        var text = new StringBuilder();
        text.Append("id: ").Append(id).Append('\n').Append("event: ").Append(name).Append('\n');
        foreach (var line in payload.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Split('\n'))
        {
            text.Append("data: ").Append(line).Append('\n');
        }

        return text.Append('\n').ToString();
    }

    public static IEndpointRouteBuilder MapDashboardEvents(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, StreamAsync)
            .RequireAuthorization(Core.Accounts.ApiScopes.Read)
            .WithTags("Dashboard")
            .WithSummary("The signed-in person's dashboard as server-sent events (HTML fragments), filtered by the visibility predicate.")
            .ExcludeFromDescription();
        return endpoints;
    }

    private static async Task StreamAsync(HttpContext context, DashboardComposer composer, PartialRenderer renderer, ChangeFeed feed,
        DashboardStreamLimiter limiter, IOptions<DashboardOptions> settings, TimeProvider clock, string? last)
    {
        var options = settings.Value;
        var person = context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity!.Name!;
        if (!limiter.TryEnter(person))
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "30";
            return;
        }

        try
        {
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache, no-store";
            // nginx and similar proxies buffer responses unless told not to.
            context.Response.Headers["X-Accel-Buffering"] = "no";
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

            var stop = context.RequestAborted;
            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(stop);
            lifetime.CancelAfter(TimeSpan.FromMinutes(options.StreamMinutes));
            var token = lifetime.Token;
            var sent = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? last;
            var seen = feed.Version;

            async Task WriteAsync(string text)
            {
                await context.Response.WriteAsync(text, token);
                await context.Response.Body.FlushAsync(token);
            }

            async Task PushIfChangedAsync()
            {
                var view = await composer.ComposeAsync(context.User, token);
                var html = await renderer.RenderAsync(context, PartialPath, view);
                var id = Fingerprint(html);
                if (id != sent)
                {
                    await WriteAsync(Event(id, "dashboard", html));
                    sent = id;
                }
            }

            try
            {
                await WriteAsync(string.Create(CultureInfo.InvariantCulture, $"retry: {RetryMilliseconds}\n\n"));
                await PushIfChangedAsync();
                var heartbeat = TimeSpan.FromSeconds(options.HeartbeatSeconds);
                var refresh = TimeSpan.FromSeconds(options.RefreshSeconds);
                var nextBeat = clock.GetUtcNow() + heartbeat;
                var nextRead = clock.GetUtcNow() + refresh;
                while (!token.IsCancellationRequested)
                {
                    var now = clock.GetUtcNow();
                    var wait = (nextBeat < nextRead ? nextBeat : nextRead) - now;
                    using (var round = CancellationTokenSource.CreateLinkedTokenSource(token))
                    {
                        var changed = feed.WaitAsync(seen, round.Token);
                        var timer = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock, round.Token);
                        await Task.WhenAny(changed, timer);
                        await round.CancelAsync();
                        token.ThrowIfCancellationRequested();
                        if (changed.IsCompletedSuccessfully)
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(options.CoalesceMilliseconds), clock, token);
                            seen = feed.Version;
                            await PushIfChangedAsync();
                            nextRead = clock.GetUtcNow() + refresh;
                        }
                    }

                    now = clock.GetUtcNow();
                    if (now >= nextRead)
                    {
                        await PushIfChangedAsync();
                        nextRead = now + refresh;
                    }

                    if (now >= nextBeat)
                    {
                        await WriteAsync(": heartbeat\n\n");
                        nextBeat = now + heartbeat;
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // The browser left, the server stops, or the stream's time is up (the browser reconnects).
            }
        }
        finally
        {
            limiter.Leave(person);
        }
    }
}
