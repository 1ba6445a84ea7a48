using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dialer.Campaigns;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Persistence;

/// <summary>
/// Writes a <c>dialer-data</c> JSON-lines file (see <see cref="JsonLinesFormat"/>): the header first, then one line per
/// record. Records are buffered and written to the stream in blocks; call <see cref="FlushAsync"/> at the end.
/// </summary>
/// <remarks>Not thread-safe. The stream is left open.</remarks>
public sealed class JsonLinesWriter : IAsyncDisposable
{
    private const int FlushThreshold = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Files, not HTML: keep '+' in phone numbers and non-ASCII names readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    private readonly Stream _destination;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold + 4096);
    private readonly Utf8JsonWriter _json;
    private bool _headerWritten;
    private long _attempts;
    private long _blocks;
    private long _redialItems;
    private long _answeringMachineStats;
    private long _campaigns;
    private long _dailyStatistics;

    /// <summary>Creates a writer on <paramref name="destination"/> (which stays open).</summary>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public JsonLinesWriter(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (!destination.CanWrite)
        {
            throw new ArgumentException("destination is not writable.", nameof(destination));
        }

        _destination = destination;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>How many records of each type have been written.</summary>
    public StoreDataCounts Counts => new(_attempts, _blocks, _redialItems, _answeringMachineStats, _campaigns, _dailyStatistics);

    /// <summary>Writes the header; must be the first line.</summary>
    /// <exception cref="InvalidOperationException">The header was already written.</exception>
    public ValueTask WriteHeaderAsync(JsonLinesHeader header, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (_headerWritten)
        {
            throw new InvalidOperationException("The header was already written; it is the first line only.");
        }

        _headerWritten = true;
        var w = _json;
        w.WriteStartObject();
        w.WriteString("type", JsonLinesFormat.HeaderType);
        w.WriteString("format", JsonLinesFormat.FormatName);
        w.WriteNumber("version", header.Version);
        w.WriteString("provider", header.Provider);
        if (header.SchemaVersion is { } schema)
        {
            w.WriteNumber("schemaVersion", schema);
        }

        WriteInstant(w, "exportedAt", header.ExportedAt);
        w.WriteEndObject();
        return EndLineAsync(cancellationToken);
    }

    /// <summary>Writes an attempt with its outcome.</summary>
    public ValueTask WriteAsync(AttemptEntry attempt, CancellationToken cancellationToken = default)
    {
        var w = Begin(JsonLinesFormat.AttemptType);
        w.WriteString("attemptId", attempt.AttemptId);
        w.WriteString("phone", attempt.Phone.ToString());
        w.WriteString("leadId", attempt.LeadId);
        w.WriteString("clientId", attempt.ClientId);
        w.WriteString("campaignId", attempt.CampaignId);
        WriteOptional(w, "subjectKey", attempt.SubjectKey);
        WriteInstant(w, "recordedAt", attempt.RecordedAt);
        WriteOptional(w, "outcomeCode", attempt.OutcomeCode);
        if (attempt.OutcomeCategory is { } category)
        {
            w.WriteString("outcomeCategory", JsonLinesFormat.DispositionCategories.Name(category));
        }

        WriteOptional(w, "outcomeAt", attempt.OutcomeAt);
        _attempts++;
        return End(cancellationToken);
    }

    /// <summary>Writes a block.</summary>
    public ValueTask WriteAsync(ProtectionBlock block, CancellationToken cancellationToken = default)
    {
        var w = Begin(JsonLinesFormat.BlockType);
        w.WriteString("id", block.Id);
        w.WriteString("kind", JsonLinesFormat.BlockKinds.Name(block.Kind));
        w.WriteString("target", JsonLinesFormat.BlockTargets.Name(block.Target));
        if (!block.Phone.IsDefault)
        {
            w.WriteString("phone", block.Phone.ToString());
        }

        WriteOptional(w, "leadId", block.LeadId);
        w.WriteString("scope", JsonLinesFormat.LimitScopes.Name(block.Scope));
        WriteOptional(w, "scopeId", block.ScopeId);
        WriteInstant(w, "createdAt", block.CreatedAt);
        WriteOptional(w, "until", block.Until);
        WriteOptional(w, "reason", block.Reason);
        WriteOptional(w, "sourceAttemptId", block.SourceAttemptId);
        _blocks++;
        return End(cancellationToken);
    }

    /// <summary>Writes a redial queue item; a claimed item is written as pending without its claim.</summary>
    public ValueTask WriteAsync(RedialItem item, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(item);
        var w = Begin(JsonLinesFormat.RedialType);
        var r = item.Request;
        w.WriteString("callId", r.CallId);
        w.WriteString("leadId", r.LeadId);
        w.WriteString("phone", r.Phone.ToString());
        w.WriteString("clientId", r.ClientId);
        w.WriteString("campaignId", r.CampaignId);
        WriteOptional(w, "calleeZoneId", r.CalleeZoneId);
        WriteOptional(w, "regionCode", r.RegionCode);
        WriteOptional(w, "postalCode", r.PostalCode);
        WriteOptional(w, "subjectKey", r.SubjectKey);
        if (r.IsCallback)
        {
            w.WriteBoolean("isCallback", true);
        }

        w.WriteString("kind", JsonLinesFormat.DueDialKinds.Name(item.Kind));
        w.WriteNumber("attempt", item.Attempt);
        WriteInstant(w, "dueAt", item.DueAt);
        if (item.Entry.Flags != RedialFlags.None)
        {
            w.WriteStartArray("flags");
            foreach (var (flag, name) in JsonLinesFormat.RedialFlagNames.Pairs)
            {
                if ((item.Entry.Flags & flag) == flag)
                {
                    w.WriteStringValue(name);
                }
            }

            w.WriteEndArray();
        }

        WriteOptional(w, "reason", item.Entry.Reason);
        var state = item.State == RedialItemState.Claimed ? RedialItemState.Pending : item.State;
        w.WriteString("state", JsonLinesFormat.RedialStates.Name(state));
        WriteInstant(w, "enqueuedAt", item.EnqueuedAt);
        WriteInstant(w, "updatedAt", item.UpdatedAt);
        w.WriteNumber("claimCount", item.ClaimCount);
        _redialItems++;
        return End(cancellationToken);
    }

    /// <summary>Writes answering-machine statistics for one number.</summary>
    public ValueTask WriteAsync(AnsweringMachineStats stats, CancellationToken cancellationToken = default)
    {
        var w = Begin(JsonLinesFormat.AnsweringMachineType);
        w.WriteString("phone", stats.Phone.ToString());
        w.WriteNumber("consecutiveMachines", stats.ConsecutiveMachines);
        w.WriteNumber("totalMachines", stats.TotalMachines);
        w.WriteNumber("totalOutcomes", stats.TotalOutcomes);
        WriteOptional(w, "lastOutcomeAt", stats.LastOutcomeAt);
        _answeringMachineStats++;
        return End(cancellationToken);
    }

    /// <summary>Writes a campaign.</summary>
    public ValueTask WriteAsync(CampaignSnapshot campaign, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var w = Begin(JsonLinesFormat.CampaignType);
        w.WriteString("id", campaign.Id);
        w.WriteString("clientId", campaign.ClientId);
        w.WriteString("name", campaign.Name);
        w.WriteString("state", JsonLinesFormat.CampaignStates.Name(campaign.State));
        WriteOptional(w, "error", campaign.Error);
        w.WriteNumber("epoch", campaign.Epoch);
        WriteOptional(w, "ownerId", campaign.OwnerId);
        WriteOptional(w, "heartbeatAt", campaign.HeartbeatAt);
        w.WriteNumber("cursor", campaign.Cursor);
        WriteOptional(w, "inFlightCallId", campaign.InFlightCallId);
        w.WriteNumber("processed", campaign.Processed);
        if (campaign.TotalLeads is { } total)
        {
            w.WriteNumber("totalLeads", total);
        }

        WriteCounts(w, "outcomeCounts", campaign.OutcomeCounts);
        w.WriteNumber("placementErrors", campaign.PlacementErrors);
        w.WriteNumber("consecutivePlacementErrors", campaign.ConsecutivePlacementErrors);
        WriteInstant(w, "createdAt", campaign.CreatedAt);
        WriteInstant(w, "updatedAt", campaign.UpdatedAt);
        WriteOptional(w, "startedAt", campaign.StartedAt);
        WriteOptional(w, "endedAt", campaign.EndedAt);
        _campaigns++;
        return End(cancellationToken);
    }

    /// <summary>Writes one daily statistics row.</summary>
    public ValueTask WriteAsync(DailyStatistics statistics, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        var w = Begin(JsonLinesFormat.DailyStatisticsType);
        w.WriteString("date", LocalDatePattern.Iso.Format(statistics.Date));
        w.WriteString("clientId", statistics.ClientId);
        w.WriteString("campaignId", statistics.CampaignId);
        w.WriteNumber("requests", statistics.Requests);
        w.WriteNumber("admitted", statistics.Admitted);
        w.WriteNumber("denied", statistics.Denied);
        WriteCounts(w, "deniedByReason", statistics.DeniedByReason);
        WriteCounts(w, "outcomes", statistics.Outcomes);
        _dailyStatistics++;
        return End(cancellationToken);
    }

    /// <summary>Writes everything buffered to the stream and flushes it.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_buffer.WrittenCount > 0)
        {
            await _destination.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            _buffer.Clear();
            _json.Reset(_buffer);
        }

        await _destination.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Flushes what is buffered (see <see cref="FlushAsync"/>) and releases the JSON writer; the stream stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        await FlushAsync().ConfigureAwait(false);
        await _json.DisposeAsync().ConfigureAwait(false);
    }


    private static void WriteInstant(Utf8JsonWriter w, string name, Instant value) =>
        w.WriteString(name, InstantPattern.ExtendedIso.Format(value));

    private static void WriteOptional(Utf8JsonWriter w, string name, Instant? value)
    {
        if (value is { } v)
        {
            WriteInstant(w, name, v);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        if (counts is not null)
        {
            // Sorted so the same data always gives the same bytes (stable checksums).
            var keys = new List<string>(counts.Keys);
            keys.Sort(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                w.WriteNumber(key, counts[key]);
            }
        }

        w.WriteEndObject();
    }

    private Utf8JsonWriter Begin(string type)
    {
        if (!_headerWritten)
        {
            throw new InvalidOperationException("Write the header first: it is the first line of a dialer-data file.");
        }

        _json.WriteStartObject();
        _json.WriteString("type", type);
        return _json;
    }

    private ValueTask End(CancellationToken cancellationToken)
    {
        _json.WriteEndObject();
        return EndLineAsync(cancellationToken);
    }

    private ValueTask EndLineAsync(CancellationToken cancellationToken)
    {
        _json.Flush();
        _buffer.Write("\n"u8);
        _json.Reset(_buffer);
        return _buffer.WrittenCount >= FlushThreshold ? DrainAsync(cancellationToken) : ValueTask.CompletedTask;
    }

    private async ValueTask DrainAsync(CancellationToken cancellationToken)
    {
        await _destination.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        _buffer.Clear();
        _json.Reset(_buffer);
    }
}
