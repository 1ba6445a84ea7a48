using System.Globalization;
using System.Text;
using System.Text.Json;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Persistence;

/// <summary>
/// Reads and validates a whole <c>dialer-data</c> JSON-lines file (see <see cref="JsonLinesFormat"/>). Every line is
/// checked; every problem is collected as <c>line N, field F = value: problem</c> and reported together in a
/// <see cref="JsonLinesFormatException"/>, so a caller that imports only after reading writes nothing from a bad file.
/// </summary>
public static class JsonLinesReader
{
    /// <summary>At most this many problems are listed (then a final line says how many more lines failed).</summary>
    public const int MaxReportedErrors = 100;

    /// <summary>Reads and validates every line of <paramref name="source"/> (UTF-8; the stream stays open).</summary>
    /// <returns>The header and every record.</returns>
    /// <exception cref="JsonLinesFormatException">A line is not valid; <see cref="JsonLinesFormatException.Errors"/> lists every problem.</exception>
    public static async Task<JsonLinesContent> ReadAsync(Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var state = new ReadState();
        using var reader = new StreamReader(source, new UTF8Encoding(false, true), detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        var lineNumber = 0;
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DecoderFallbackException ex)
            {
                state.Error(lineNumber + 1, "(line)", "(bytes)", "not valid UTF-8: " + ex.Message);
                break;
            }

            if (line is null)
            {
                break;
            }

            lineNumber++;
            state.ReadLine(lineNumber, line);
        }

        if (state.Header is null && state.Errors.Count == 0)
        {
            state.Error(1, "type", "(missing)", "the file is empty; a dialer-data file starts with a header line {\"type\":\"header\",\"format\":\"dialer-data\",…}");
        }

        if (state.Errors.Count > 0)
        {
            throw new JsonLinesFormatException(state.ReportedErrors());
        }

        return new JsonLinesContent(state.Header!, state.ToDataSet());
    }

    private sealed class ReadState
    {
        private readonly List<AttemptEntry> _attempts = [];
        private readonly List<ProtectionBlock> _blocks = [];
        private readonly List<RedialItem> _redialItems = [];
        private readonly List<AnsweringMachineStats> _amStats = [];
        private readonly List<CampaignSnapshot> _campaigns = [];
        private readonly List<DailyStatistics> _dailyStatistics = [];
        private readonly HashSet<string> _attemptIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _blockIds = new(StringComparer.Ordinal);
        private readonly HashSet<string> _leadIds = new(StringComparer.Ordinal);
        private readonly HashSet<PhoneNumber> _amPhones = [];
        private readonly HashSet<string> _campaignIds = new(StringComparer.Ordinal);
        private readonly HashSet<(LocalDate, string, string)> _statisticsKeys = [];
        private int _linesWithErrors;
        private long _errorCalls;

        public List<string> Errors { get; } = [];

        public JsonLinesHeader? Header { get; private set; }

        public void Error(int line, string field, string value, string problem)
        {
            _errorCalls++;
            if (Errors.Count < MaxReportedErrors)
            {
                Errors.Add(string.Create(CultureInfo.InvariantCulture, $"line {line}, field {field} = {value}: {problem}"));
            }
        }

        public List<string> ReportedErrors()
        {
            if (_linesWithErrors > 0 && Errors.Count >= MaxReportedErrors)
            {
                Errors.Add(string.Create(CultureInfo.InvariantCulture, $"(only the first {MaxReportedErrors} problems are listed; {_linesWithErrors} line(s) have problems)"));
            }

            return Errors;
        }

        public StoreDataSet ToDataSet() => new()
        {
            Attempts = _attempts,
            Blocks = _blocks,
            RedialItems = _redialItems,
            AnsweringMachineStats = _amStats,
            Campaigns = _campaigns,
            DailyStatistics = _dailyStatistics,
        };

        public void ReadLine(int number, string text)
        {
            var before = _errorCalls;
            ReadLineCore(number, text);
            if (_errorCalls > before)
            {
                _linesWithErrors++;
            }
        }

        private void ReadLineCore(int number, string text)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                // A blank line only at the very end (a trailing newline) is harmless; StreamReader does not return it.
                Error(number, "(line)", "(blank)", "a blank line; every line is one JSON object");
                return;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                Error(number, "(line)", Shorten(text), "not valid JSON (" + ex.Message + ")");
                return;
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    Error(number, "(line)", Shorten(text), "a JSON object is expected");
                    return;
                }

                var line = new Line(this, number, root);
                var type = line.RequiredString("type");
                if (type is null)
                {
                    return;
                }

                if (number == 1)
                {
                    if (type == JsonLinesFormat.HeaderType)
                    {
                        ReadHeader(line);
                    }
                    else
                    {
                        Error(number, "type", Quote(type), "the first line must be the header ({\"type\":\"header\",\"format\":\"dialer-data\",\"version\":1,…})");
                    }

                    return;
                }

                switch (type)
                {
                    case JsonLinesFormat.HeaderType:
                        Error(number, "type", Quote(type), "a header is allowed on line 1 only");
                        break;
                    case JsonLinesFormat.AttemptType:
                        ReadAttempt(line);
                        break;
                    case JsonLinesFormat.BlockType:
                        ReadBlock(line);
                        break;
                    case JsonLinesFormat.RedialType:
                        ReadRedial(line);
                        break;
                    case JsonLinesFormat.AnsweringMachineType:
                        ReadAnsweringMachine(line);
                        break;
                    case JsonLinesFormat.CampaignType:
                        ReadCampaign(line);
                        break;
                    case JsonLinesFormat.DailyStatisticsType:
                        ReadDailyStatistics(line);
                        break;
                    default:
                        Error(number, "type", Quote(type), "unknown record type; expected one of attempt, block, redial, answering_machine, campaign, daily_statistics");
                        break;
                }
            }
        }

        private void ReadHeader(Line line)
        {
            var format = line.RequiredString("format");
            if (format is not null && format != JsonLinesFormat.FormatName)
            {
                line.Fail("format", Quote(format), "expected \"" + JsonLinesFormat.FormatName + "\"");
            }

            var version = line.RequiredInt("version", 1);
            if (version > JsonLinesFormat.CurrentVersion)
            {
                line.Fail("version", version.Value.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"the file was written by a newer version of the format; this reader reads up to version {JsonLinesFormat.CurrentVersion}"));
            }

            var provider = line.RequiredString("provider");
            var schema = line.OptionalInt("schemaVersion", 0);
            var exportedAt = line.RequiredInstant("exportedAt");
            if (line.Ok)
            {
                Header = new JsonLinesHeader(provider!, schema, exportedAt!.Value, version!.Value);
            }
        }

        private void ReadAttempt(Line line)
        {
            var id = line.RequiredString("attemptId");
            var phone = line.RequiredPhone("phone");
            var lead = line.RequiredString("leadId");
            var client = line.RequiredString("clientId");
            var campaign = line.RequiredString("campaignId");
            var subject = line.OptionalString("subjectKey");
            var recordedAt = line.RequiredInstant("recordedAt");
            var outcomeCode = line.OptionalString("outcomeCode");
            var outcomeCategory = line.OptionalEnum("outcomeCategory", JsonLinesFormat.DispositionCategories);
            var outcomeAt = line.OptionalInstant("outcomeAt");
            if ((outcomeCode is null) != (outcomeCategory is null) && !line.Failed("outcomeCode") && !line.Failed("outcomeCategory"))
            {
                line.Fail(outcomeCode is null ? "outcomeCode" : "outcomeCategory", "(missing)", "outcomeCode and outcomeCategory are given together or not at all");
            }

            if (outcomeCode is not null && !Disposition.TryGetWellKnown(outcomeCode, out _) && Disposition.ValidateCustomCode(outcomeCode) is { } codeProblem)
            {
                line.Fail("outcomeCode", Quote(outcomeCode), codeProblem);
            }

            if ((outcomeCode is null) != (outcomeAt is null) && !line.Failed("outcomeCode") && !line.Failed("outcomeAt"))
            {
                line.Fail("outcomeAt", outcomeAt is null ? "(missing)" : Quote(InstantPattern.ExtendedIso.Format(outcomeAt.Value)), "an outcome has its instant: outcomeAt is given with outcomeCode and only then");
            }

            if (line.Ok && id is not null && !_attemptIds.Add(id))
            {
                line.Fail("attemptId", Quote(id), "duplicate: another attempt line has the same id");
            }

            if (line.Ok)
            {
                line.Build(() => _attempts.Add(new AttemptEntry(id!, phone!.Value, lead!, client!, campaign!, subject, recordedAt!.Value, outcomeCode, outcomeCategory, outcomeAt)));
            }
        }

        private void ReadBlock(Line line)
        {
            var id = line.RequiredString("id");
            var kind = line.RequiredEnum("kind", JsonLinesFormat.BlockKinds);
            var target = line.RequiredEnum("target", JsonLinesFormat.BlockTargets);
            var phone = line.OptionalPhone("phone");
            var lead = line.OptionalString("leadId");
            var scope = line.RequiredEnum("scope", JsonLinesFormat.LimitScopes);
            var scopeId = line.OptionalString("scopeId");
            var createdAt = line.RequiredInstant("createdAt");
            var until = line.OptionalInstant("until");
            var reason = line.OptionalString("reason");
            var source = line.OptionalString("sourceAttemptId");
            if (target == BlockTarget.Number && phone is null && !line.Has("phone"))
            {
                line.Fail("phone", "(missing)", "a number block needs a phone number");
            }

            if (target == BlockTarget.Lead && lead is null && !line.Has("leadId"))
            {
                line.Fail("leadId", "(missing)", "a lead block needs a lead id");
            }

            if (scope is { } s && (s == LimitScope.Global) != (scopeId is null) && !line.Failed("scopeId"))
            {
                line.Fail("scopeId", scopeId is null ? "(missing)" : Quote(scopeId), s == LimitScope.Global ? "a global block has no scopeId" : "a client or campaign block needs a scopeId");
            }

            if (until is { } u && createdAt is { } c && u < c)
            {
                line.Fail("until", Quote(InstantPattern.ExtendedIso.Format(u)), "earlier than createdAt " + InstantPattern.ExtendedIso.Format(c));
            }

            if (line.Ok && id is not null && !_blockIds.Add(id))
            {
                line.Fail("id", Quote(id), "duplicate: another block line has the same id");
            }

            if (line.Ok)
            {
                line.Build(() => _blocks.Add(new ProtectionBlock(id!, kind!.Value, target!.Value, phone ?? default, lead, scope!.Value, scopeId, createdAt!.Value, until, reason, source)));
            }
        }

        private void ReadRedial(Line line)
        {
            var callId = line.RequiredString("callId");
            var lead = line.RequiredString("leadId");
            var phone = line.RequiredPhone("phone");
            var client = line.RequiredString("clientId");
            var campaign = line.RequiredString("campaignId");
            var zone = line.OptionalString("calleeZoneId");
            var region = line.OptionalString("regionCode");
            var postal = line.OptionalString("postalCode");
            var subject = line.OptionalString("subjectKey");
            var isCallback = line.OptionalBool("isCallback") ?? false;
            var kind = line.RequiredEnum("kind", JsonLinesFormat.DueDialKinds);
            var attempt = line.RequiredInt("attempt", 1);
            var dueAt = line.RequiredInstant("dueAt");
            var flags = line.OptionalFlags("flags", JsonLinesFormat.RedialFlagNames);
            var reason = line.OptionalString("reason");
            if (reason is not null && reason.Length > RedialEntry.MaxReasonLength)
            {
                line.Fail("reason", Quote(reason), string.Create(CultureInfo.InvariantCulture, $"at most {RedialEntry.MaxReasonLength} characters"));
            }

            var state = line.RequiredEnum("state", JsonLinesFormat.RedialStates);
            var enqueuedAt = line.RequiredInstant("enqueuedAt");
            var updatedAt = line.RequiredInstant("updatedAt");
            var claimCount = line.OptionalInt("claimCount", 0) ?? 0;
            if (line.Ok && lead is not null && !_leadIds.Add(lead))
            {
                line.Fail("leadId", Quote(lead), "duplicate: another redial line has the same lead (the queue holds one item per lead)");
            }

            if (line.Ok)
            {
                line.Build(() =>
                {
                    var request = new DialRequest(callId!, lead!, phone!.Value, client, campaign)
                    {
                        CalleeZoneId = zone,
                        RegionCode = region,
                        PostalCode = postal,
                        SubjectKey = subject,
                        IsCallback = isCallback,
                    };
                    var entry = new RedialEntry(request, kind!.Value, attempt!.Value, dueAt!.Value, flags, reason);
                    _redialItems.Add(new RedialItem(entry, state!.Value, enqueuedAt!.Value, updatedAt!.Value, claimCount: claimCount));
                });
            }
        }

        private void ReadAnsweringMachine(Line line)
        {
            var phone = line.RequiredPhone("phone");
            var consecutive = line.RequiredInt("consecutiveMachines", 0);
            var machines = line.RequiredInt("totalMachines", 0);
            var outcomes = line.RequiredInt("totalOutcomes", 0);
            var last = line.OptionalInstant("lastOutcomeAt");
            if (consecutive > machines)
            {
                line.Fail("consecutiveMachines", consecutive!.Value.ToString(CultureInfo.InvariantCulture), "more than totalMachines");
            }

            if (machines > outcomes)
            {
                line.Fail("totalMachines", machines!.Value.ToString(CultureInfo.InvariantCulture), "more than totalOutcomes");
            }

            if (line.Ok && !_amPhones.Add(phone!.Value))
            {
                line.Fail("phone", Quote(phone.Value.ToString()), "duplicate: another answering_machine line has the same number");
            }

            if (line.Ok)
            {
                line.Build(() => _amStats.Add(new AnsweringMachineStats(phone!.Value, consecutive!.Value, machines!.Value, outcomes!.Value, last)));
            }
        }

        private void ReadCampaign(Line line)
        {
            var id = line.RequiredString("id");
            var client = line.RequiredString("clientId");
            var name = line.RequiredString("name");
            var state = line.RequiredEnum("state", JsonLinesFormat.CampaignStates);
            var error = line.OptionalString("error");
            var epoch = line.RequiredLong("epoch", 0);
            var owner = line.OptionalString("ownerId");
            var heartbeat = line.OptionalInstant("heartbeatAt");
            var cursor = line.RequiredLong("cursor", 0);
            var inFlight = line.OptionalString("inFlightCallId");
            var processed = line.RequiredLong("processed", 0);
            var total = line.OptionalLong("totalLeads", 0);
            var outcomeCounts = line.Counts("outcomeCounts");
            var placementErrors = line.RequiredLong("placementErrors", 0);
            var consecutiveErrors = line.RequiredInt("consecutivePlacementErrors", 0);
            var createdAt = line.RequiredInstant("createdAt");
            var updatedAt = line.RequiredInstant("updatedAt");
            var startedAt = line.OptionalInstant("startedAt");
            var endedAt = line.OptionalInstant("endedAt");
            if (line.Ok && id is not null && !_campaignIds.Add(id))
            {
                line.Fail("id", Quote(id), "duplicate: another campaign line has the same id");
            }

            if (line.Ok)
            {
                _campaigns.Add(new CampaignSnapshot
                {
                    Id = id!,
                    ClientId = client!,
                    Name = name!,
                    State = state!.Value,
                    Error = error,
                    Epoch = epoch!.Value,
                    OwnerId = owner,
                    HeartbeatAt = heartbeat,
                    Cursor = cursor!.Value,
                    InFlightCallId = inFlight,
                    Processed = processed!.Value,
                    TotalLeads = total,
                    OutcomeCounts = outcomeCounts!,
                    PlacementErrors = placementErrors!.Value,
                    ConsecutivePlacementErrors = consecutiveErrors!.Value,
                    CreatedAt = createdAt!.Value,
                    UpdatedAt = updatedAt!.Value,
                    StartedAt = startedAt,
                    EndedAt = endedAt,
                });
            }
        }

        private void ReadDailyStatistics(Line line)
        {
            var date = line.RequiredDate("date");
            var client = line.RequiredString("clientId");
            var campaign = line.RequiredString("campaignId");
            var requests = line.RequiredLong("requests", 0);
            var admitted = line.RequiredLong("admitted", 0);
            var denied = line.RequiredLong("denied", 0);
            var byReason = line.Counts("deniedByReason");
            var outcomes = line.Counts("outcomes");
            if (line.Ok && !_statisticsKeys.Add((date!.Value, client!, campaign!)))
            {
                line.Fail("date", Quote(LocalDatePattern.Iso.Format(date.Value)), "duplicate: another daily_statistics line has the same date, clientId and campaignId");
            }

            if (line.Ok)
            {
                _dailyStatistics.Add(new DailyStatistics
                {
                    Date = date!.Value,
                    ClientId = client!,
                    CampaignId = campaign!,
                    Requests = requests!.Value,
                    Admitted = admitted!.Value,
                    Denied = denied!.Value,
                    DeniedByReason = byReason!,
                    Outcomes = outcomes!,
                });
            }
        }
    }

    /// <summary>Typed access to one line's properties; every problem is reported with the line and field.</summary>
    private sealed class Line(ReadState state, int number, JsonElement root)
    {
        private readonly HashSet<string> _failed = new(StringComparer.Ordinal);

        public bool Ok => _failed.Count == 0;

        public bool Failed(string field) => _failed.Contains(field);

        public bool Has(string field) => root.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null;

        public void Fail(string field, string value, string problem)
        {
            _failed.Add(field);
            state.Error(number, field, value, problem);
        }

        public void Build(Action build)
        {
            try
            {
                build();
            }
            catch (ArgumentException ex)
            {
                var field = ex.ParamName ?? "(record)";
                Fail(field, root.TryGetProperty(field, out var v) ? Shorten(v.GetRawText()) : "(record)", FirstSentence(ex.Message));
            }
        }

        public string? RequiredString(string field) => String(field, required: true);

        public string? OptionalString(string field) => String(field, required: false);

        public PhoneNumber? RequiredPhone(string field) => Phone(field, required: true);

        public PhoneNumber? OptionalPhone(string field) => Phone(field, required: false);

        public Instant? RequiredInstant(string field) => Instant(field, required: true);

        public Instant? OptionalInstant(string field) => Instant(field, required: false);

        public int? RequiredInt(string field, int min) => (int?)Integer(field, true, min, int.MaxValue);

        public int? OptionalInt(string field, int min) => (int?)Integer(field, false, min, int.MaxValue);

        public long? RequiredLong(string field, long min) => Integer(field, true, min, long.MaxValue);

        public long? OptionalLong(string field, long min) => Integer(field, false, min, long.MaxValue);

        public bool? OptionalBool(string field)
        {
            if (!TryGet(field, false, out var v))
            {
                return null;
            }

            if (v.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                return v.GetBoolean();
            }

            Fail(field, Shorten(v.GetRawText()), "true or false is expected");
            return null;
        }

        public T? RequiredEnum<T>(string field, EnumNames<T> names)
            where T : struct, Enum => Enum(field, true, names);

        public T? OptionalEnum<T>(string field, EnumNames<T> names)
            where T : struct, Enum => Enum(field, false, names);

        public LocalDate? RequiredDate(string field)
        {
            var s = String(field, required: true);
            if (s is null)
            {
                return null;
            }

            var result = LocalDatePattern.Iso.Parse(s);
            if (result.Success)
            {
                return result.Value;
            }

            Fail(field, Quote(s), "a date yyyy-MM-dd is expected");
            return null;
        }

        public T OptionalFlags<T>(string field, EnumNames<T> names)
            where T : struct, Enum
        {
            if (!TryGet(field, false, out var v))
            {
                return default;
            }

            if (v.ValueKind != JsonValueKind.Array)
            {
                Fail(field, Shorten(v.GetRawText()), "an array of flag names is expected (" + names.Expected + ")");
                return default;
            }

            ulong bits = 0;
            foreach (var item in v.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String || !names.TryParse(item.GetString(), out var flag))
                {
                    Fail(field, Shorten(item.GetRawText()), "unknown flag; expected one of " + names.Expected);
                    return default;
                }

                bits |= Convert.ToUInt64(flag, CultureInfo.InvariantCulture);
            }

            return (T)System.Enum.ToObject(typeof(T), bits);
        }

        public IReadOnlyDictionary<string, long>? Counts(string field)
        {
            if (!TryGet(field, false, out var v))
            {
                return DailyStatistics.EmptyCounts;
            }

            if (v.ValueKind != JsonValueKind.Object)
            {
                Fail(field, Shorten(v.GetRawText()), "an object of counts ({\"code\": 3, …}) is expected");
                return null;
            }

            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var property in v.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var n) || n < 0)
                {
                    Fail(field + "." + property.Name, Shorten(property.Value.GetRawText()), "a whole number of at least 0 is expected");
                    return null;
                }

                if (property.Name.Length == 0)
                {
                    Fail(field + ".", Shorten(property.Value.GetRawText()), "a code must not be empty");
                    return null;
                }

                if (!counts.TryAdd(property.Name, n))
                {
                    Fail(field + "." + property.Name, Shorten(property.Value.GetRawText()), "the key appears twice");
                    return null;
                }
            }

            return counts;
        }

        private bool TryGet(string field, bool required, out JsonElement value)
        {
            if (root.TryGetProperty(field, out value) && value.ValueKind != JsonValueKind.Null)
            {
                return true;
            }

            if (required)
            {
                Fail(field, value.ValueKind == JsonValueKind.Null && root.TryGetProperty(field, out _) ? "null" : "(missing)", "required");
            }

            return false;
        }

        private string? String(string field, bool required)
        {
            if (!TryGet(field, required, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.String)
            {
                Fail(field, Shorten(v.GetRawText()), "a string is expected");
                return null;
            }

            var s = v.GetString()!;
            if (required && s.Length == 0)
            {
                Fail(field, "\"\"", "must not be empty");
                return null;
            }

            return s;
        }

        private PhoneNumber? Phone(string field, bool required)
        {
            var s = String(field, required);
            if (s is null)
            {
                return null;
            }

            if (PhoneNumber.TryParse(s.AsSpan(), out var phone, out var error))
            {
                return phone;
            }

            Fail(field, Quote(s), "not an E.164 number (" + error + ")");
            return null;
        }

        private Instant? Instant(string field, bool required)
        {
            var s = String(field, required);
            if (s is null)
            {
                return null;
            }

            var result = InstantPattern.ExtendedIso.Parse(s);
            if (result.Success)
            {
                return result.Value;
            }

            Fail(field, Quote(s), "an ISO-8601 UTC instant is expected (e.g. 2025-03-09T14:00:00Z)");
            return null;
        }

        private long? Integer(string field, bool required, long min, long max)
        {
            if (!TryGet(field, required, out var v))
            {
                return null;
            }

            if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
            {
                Fail(field, Shorten(v.GetRawText()), "a whole number is expected");
                return null;
            }

            if (n < min || n > max)
            {
                Fail(field, n.ToString(CultureInfo.InvariantCulture), string.Create(CultureInfo.InvariantCulture, $"must be between {min} and {max}"));
                return null;
            }

            return n;
        }

        private T? Enum<T>(string field, bool required, EnumNames<T> names)
            where T : struct, Enum
        {
            var s = String(field, required);
            if (s is null)
            {
                return null;
            }

            if (names.TryParse(s, out var value))
            {
                return value;
            }

            Fail(field, Quote(s), "unknown value; expected one of " + names.Expected);
            return null;
        }
    }

    private static string Quote(string s) => "\"" + (s.Length > 80 ? s[..80] + "…" : s) + "\"";

    private static string Shorten(string raw) => raw.Length > 80 ? raw[..80] + "…" : raw;

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

/// <summary>A <c>dialer-data</c> file is not valid. <see cref="Errors"/> lists every problem as <c>line N, field F = value: problem</c>.</summary>
public sealed class JsonLinesFormatException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public JsonLinesFormatException(IReadOnlyList<string> errors)
        : base(Describe(errors))
    {
        Errors = errors ?? [];
    }

    /// <summary>Creates the exception.</summary>
    public JsonLinesFormatException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one problem.</summary>
    public JsonLinesFormatException(string message)
        : base(message)
    {
        Errors = [message];
    }

    /// <summary>Creates the exception with one problem and its cause.</summary>
    public JsonLinesFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Every problem found, in line order.</summary>
    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string>? errors) =>
        errors is null || errors.Count == 0
            ? "The dialer-data file is not valid."
            : "The dialer-data file is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, errors);
}
