using System.Net;
using DnsCert.Core;
using DnsCert.Dns.Messages;
using DnsCert.Dns.Names;
using DnsCert.Monitoring.Model;
using Npgsql;
using NpgsqlTypes;

namespace DnsCert.Infrastructure.Monitoring;

/// <summary>What happened to one batch.</summary>
/// <param name="Duplicate">The batch (agent, batch id) was stored before; nothing was written this time.</param>
/// <param name="Stored">Results written.</param>
/// <param name="Discarded">Results older than the retention, dropped (their day is gone or about to go).</param>
public sealed record IngestResult(bool Duplicate, int Stored, int Discarded);

/// <summary>
/// Writes agents' probe results into <c>probe_results</c> with binary COPY. Idempotent per (agent, batch id): the batch
/// row and its results commit in one transaction, so a buffer an agent re-sends after a lost acknowledgement is
/// recognised and not counted twice, and a failed COPY leaves neither. Each result lands in the partition of its own
/// measurement time, however late it arrives.
/// </summary>
public sealed class ProbeIngestion(NpgsqlDataSource dataSource, ProbePartitions partitions, MonitoringStorageOptions options, TimeProvider time)
{
    /// <summary>The most results one batch may carry (an agent splits a larger buffer).</summary>
    public const int MaxBatchSize = 100_000;

    /// <summary>Validates and stores one batch from <paramref name="agent"/>; the whole batch or nothing.</summary>
    public async Task<IngestResult> IngestAsync(string agent, Guid batchId, IReadOnlyList<ProbeMeasurement> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (string.IsNullOrWhiteSpace(agent) || agent.Length > 100)
        {
            throw new ValidationException(nameof(agent), "must be 1 to 100 characters");
        }

        if (batchId == Guid.Empty)
        {
            throw new ValidationException(nameof(batchId), "must not be empty");
        }

        if (batch.Count > MaxBatchSize)
        {
            throw new ValidationException(nameof(batch), $"holds more than {MaxBatchSize} results");
        }

        var now = time.GetUtcNow();
        var oldest = partitions.OldestRetainedDay(now);
        var latest = now.AddSeconds(options.MaxClockSkewSeconds);
        var rows = new List<(ProbeMeasurement Measurement, IPAddress Address)>(batch.Count);
        var discarded = 0;
        for (var i = 0; i < batch.Count; i++)
        {
            var m = batch[i] ?? throw new ValidationException($"batch[{i}]", "is null");
            if (m.Time > latest)
            {
                throw new ValidationException($"batch[{i}].time", "is in the future (agent clock?)");
            }

            if (ProbePartitions.DayOf(m.Time) < oldest)
            {
                discarded++;
                continue;
            }

            rows.Add(Validate(m, i));
        }

        await partitions.EnsureAsync(rows.Select(r => ProbePartitions.DayOf(r.Measurement.Time)).Distinct(), cancellationToken);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var claim = new NpgsqlCommand("""
            INSERT INTO probe_batches (agent, batch_id, received_at, stored, discarded) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (agent, batch_id) DO NOTHING
            """, connection, transaction))
        {
            foreach (var value in new object[] { agent, batchId, now, rows.Count, discarded })
            {
                claim.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            // A concurrent re-send of the same batch waits here on the primary key until the first commits, then conflicts.
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new IngestResult(true, 0, 0);
            }
        }

        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY probe_results (measured_at, agent, batch_id, vantage_point, zone, server_name, address, transport, query_name, query_type,
                                outcome, rcode, authoritative, rtt_ms, serial) FROM STDIN (FORMAT BINARY)
            """, cancellationToken))
        {
            foreach (var (m, address) in rows)
            {
                await writer.StartRowAsync(cancellationToken);
                await writer.WriteAsync(m.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await writer.WriteAsync(agent, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(batchId, NpgsqlDbType.Uuid, cancellationToken);
                await writer.WriteAsync(m.VantagePoint, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(m.Zone, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(m.ServerName, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(address, NpgsqlDbType.Inet, cancellationToken);
                await writer.WriteAsync(m.Transport, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(m.QueryName, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync(m.QueryType, NpgsqlDbType.Text, cancellationToken);
                await writer.WriteAsync((short)m.Outcome, NpgsqlDbType.Smallint, cancellationToken);
                if (m.Rcode is null)
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
                else
                {
                    await writer.WriteAsync(m.Rcode, NpgsqlDbType.Text, cancellationToken);
                }

                await writer.WriteAsync(m.Authoritative, NpgsqlDbType.Boolean, cancellationToken);
                await writer.WriteAsync((float)m.RttMilliseconds, NpgsqlDbType.Real, cancellationToken);
                if (m.Serial is { } serial)
                {
                    await writer.WriteAsync((long)serial, NpgsqlDbType.Bigint, cancellationToken);
                }
                else
                {
                    await writer.WriteNullAsync(cancellationToken);
                }
            }

            await writer.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return new IngestResult(false, rows.Count, discarded);
    }

    // Checked here so that a bad row is a ValidationException naming it, not a COPY failure half-way through.
    // Names are stored normalised (the spelling SlaDailyAggregator and the zone stores use, so two agents' spellings of one
    // zone are one zone) and rcodes upper-case from the known set (an unknown one must not silently count as a failure).
    private static (ProbeMeasurement Measurement, IPAddress Address) Validate(ProbeMeasurement m, int index)
    {
        var field = $"batch[{index}]";
        if (m.Transport is not ("udp" or "tcp"))
        {
            throw new ValidationException(field + ".transport", "must be udp or tcp");
        }

        if (!IPAddress.TryParse(m.Address, out var address))
        {
            throw new ValidationException(field + ".address", "is not an IP address");
        }

        if (!Enum.IsDefined(m.Outcome))
        {
            throw new ValidationException(field + ".outcome", "is unknown");
        }

        if (!double.IsFinite(m.RttMilliseconds) || m.RttMilliseconds < 0)
        {
            throw new ValidationException(field + ".rttMilliseconds", "must be a non-negative number");
        }

        foreach (var (name, value) in new[]
                 {
                     ("vantagePoint", m.VantagePoint), ("zone", m.Zone), ("serverName", m.ServerName), ("queryName", m.QueryName),
                     ("queryType", m.QueryType),
                 })
        {
            if (string.IsNullOrEmpty(value) || value.Length > 255)
            {
                throw new ValidationException(field + "." + name, "must be 1 to 255 characters");
            }
        }

        if (!DnsName.TryNormalize(m.Zone, out var zone))
        {
            throw new ValidationException(field + ".zone", "is not a domain name");
        }

        if (!DnsName.TryNormalize(m.ServerName, out var serverName))
        {
            throw new ValidationException(field + ".serverName", "is not a domain name");
        }

        string? rcode = null;
        if (m.Rcode is not null)
        {
            // Agents spell an RCODE without a mnemonic as RCODE<n> (ProbeResult.RcodeText); RCODE is 12 bits with EDNS (RFC 6891).
            rcode = s_rcodes.FirstOrDefault(known => string.Equals(known, m.Rcode, StringComparison.OrdinalIgnoreCase))
                ?? (m.Rcode.StartsWith("RCODE", StringComparison.OrdinalIgnoreCase) && m.Rcode.Length is > 5 and <= 9
                    && m.Rcode.AsSpan(5).IndexOfAnyExceptInRange('0', '9') < 0
                    && int.Parse(m.Rcode.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture) <= 4095
                        ? m.Rcode.ToUpperInvariant() : null)
                ?? throw new ValidationException(field + ".rcode", "is not a known RCODE (" + string.Join(", ", s_rcodes) + ")");
        }

        return (m with { Zone = zone, ServerName = serverName, Rcode = rcode }, address);
    }

    private static readonly string[] s_rcodes = [.. Enum.GetNames<DnsResponseCode>().Select(n => n.ToUpperInvariant())];
}
