using DnsCert.Core.Constituency;

namespace DnsCert.Core.Campaigns;

/// <summary>A line that could not be accepted: its number, what it said, and why.</summary>
public sealed record LineError(long Line, string Text, string Reason);

/// <summary>
/// An upload refused because of bad lines. Nothing of it was written. <see cref="Errors"/> holds the first
/// <see cref="CampaignUploads.MaxReportedErrors"/>; <see cref="ErrorCount"/> counts them all.
/// </summary>
public sealed class CampaignUploadRejectedException : Exception
{
    public CampaignUploadRejectedException(IReadOnlyList<LineError> errors, long errorCount)
        : base(Describe(errors, errorCount))
    {
        Errors = errors;
        ErrorCount = errorCount;
    }

    public CampaignUploadRejectedException()
        : this([], 0)
    {
    }

    public CampaignUploadRejectedException(string message)
        : base(message)
    {
        Errors = [];
    }

    public CampaignUploadRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    public IReadOnlyList<LineError> Errors { get; } = [];

    public long ErrorCount { get; }

    private static string Describe(IReadOnlyList<LineError> errors, long count) =>
        $"{count} line(s) refused, nothing was stored: " + string.Join("; ", errors.Take(5).Select(e => $"line {e.Line}: '{Shorten(e.Text)}' {e.Reason}"))
        + (count > 5 ? "; …" : "");

    private static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;
}

/// <summary>
/// The use case behind every way names arrive (upload, paste, API, CLI): stream the lines, normalise, validate,
/// route, and hand each accepted name to the store as it comes; the store de-duplicates, splits per registry and
/// queues one request per registry in the same transaction. Any bad line refuses the whole upload, listing the lines.
/// </summary>
public sealed class CampaignUploads(ICampaignStore store, Func<CancellationToken, Task<CampaignRouting>> routing, TimeProvider clock)
{
    public const int MaxReportedErrors = 1000;

    public async Task<CampaignUploadResult> HandleAsync(
        CampaignUploadTarget target, TextReader input, IProgress<long>? progress, CancellationToken cancellationToken,
        long maxLines = CampaignLineReader.MaxLines)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(input);
        if (target.NewCampaign is { } draft)
        {
            target = target with { NewCampaign = draft.Validate(clock.GetUtcNow()) };
        }

        var router = await routing(cancellationToken);
        using var reader = new CampaignLineReader(input, maxLines);
        await using var writer = await store.BeginUploadAsync(target, cancellationToken);
        var errors = new List<LineError>();
        long errorCount = 0;
        long accepted = 0;
        await foreach (var (line, text) in reader.ReadAsync(cancellationToken))
        {
            if (line % 10_000 == 0)
            {
                progress?.Report(line);
            }

            var normalised = CampaignNames.Normalise(text);
            string? error = normalised.Error;
            RoutedName routed = default;
            if (normalised.Name is { } name)
            {
                (routed, error) = router.Route(name);
            }

            if (error is not null)
            {
                errorCount++;
                if (errors.Count < MaxReportedErrors)
                {
                    errors.Add(new LineError(line, text, error));
                }

                continue;
            }

            // After the first bad line nothing will be kept: only keep reading to report every bad line.
            if (errorCount == 0)
            {
                await writer.WriteAsync(routed, cancellationToken);
                accepted++;
            }
        }

        progress?.Report(reader.Lines);
        if (errorCount > 0)
        {
            throw new CampaignUploadRejectedException(errors, errorCount);
        }

        if (accepted == 0)
        {
            throw new ValidationException("file", "holds no domain names");
        }

        return await writer.CommitAsync(new UploadFacts(reader.ContentHash(), reader.Lines, accepted), router.Registries, cancellationToken);
    }

    /// <summary>Builds the routing for one upload from the directory (loaded once per upload).</summary>
    public static Func<CancellationToken, Task<CampaignRouting>> RoutingFrom(PublicSuffixList suffixes, Func<CancellationToken, Task<RoutingSnapshot>> snapshot) =>
        async ct => new CampaignRouting(suffixes, await snapshot(ct));
}
