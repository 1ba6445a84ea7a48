using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence;

/// <summary>
/// The names of the <c>dialer-data</c> JSON-lines format: one JSON object per line, the first a header, then one
/// record per row, each with a <c>"type"</c>. Instants are ISO-8601 UTC (<c>2025-03-09T14:00:00.5Z</c>), dates
/// <c>yyyy-MM-dd</c>, phone numbers E.164 strings, enums lower_snake names that never change (never numbers).
/// </summary>
/// <remarks>
/// <para>
/// Header: <c>{"type":"header","format":"dialer-data","version":1,"provider":"sqlite","schemaVersion":3,"exportedAt":"…Z"}</c>.
/// Record types: <see cref="AttemptType"/>, <see cref="BlockType"/>, <see cref="RedialType"/>,
/// <see cref="AnsweringMachineType"/>, <see cref="CampaignType"/>, <see cref="DailyStatisticsType"/>.
/// </para>
/// <para>
/// Optional fields are omitted when they have no value (a reader also accepts them as <c>null</c>). A reader of this
/// version ignores properties it does not know, so later minor additions stay readable; a newer
/// <see cref="CurrentVersion"/> in the header is refused.
/// </para>
/// </remarks>
public static class JsonLinesFormat
{
    /// <summary>The value of the header's <c>format</c> property.</summary>
    public const string FormatName = "dialer-data";

    /// <summary>The format version this code writes and the newest it reads.</summary>
    public const int CurrentVersion = 1;

    /// <summary>The header's type.</summary>
    public const string HeaderType = "header";

    /// <summary>The type of an attempt record (with its outcome).</summary>
    public const string AttemptType = "attempt";

    /// <summary>The type of a block record (final disposition, cool-down, do-not-call entry).</summary>
    public const string BlockType = "block";

    /// <summary>The type of a redial queue item record.</summary>
    public const string RedialType = "redial";

    /// <summary>The type of an answering-machine statistics record.</summary>
    public const string AnsweringMachineType = "answering_machine";

    /// <summary>The type of a campaign record.</summary>
    public const string CampaignType = "campaign";

    /// <summary>The type of a daily statistics record.</summary>
    public const string DailyStatisticsType = "daily_statistics";

    /// <summary>The conventional file extension.</summary>
    public const string FileExtension = ".jsonl";

    internal static readonly EnumNames<DispositionCategory> DispositionCategories = new(
        (DispositionCategory.Unknown, "unknown"),
        (DispositionCategory.Retryable, "retryable"),
        (DispositionCategory.Conversation, "conversation"),
        (DispositionCategory.Final, "final"));

    internal static readonly EnumNames<BlockKind> BlockKinds = new(
        (BlockKind.FinalDisposition, "final_disposition"),
        (BlockKind.Cooldown, "cooldown"),
        (BlockKind.DoNotCall, "do_not_call"));

    internal static readonly EnumNames<BlockTarget> BlockTargets = new(
        (BlockTarget.Number, "number"),
        (BlockTarget.Lead, "lead"));

    internal static readonly EnumNames<LimitScope> LimitScopes = new(
        (LimitScope.Global, "global"),
        (LimitScope.Client, "client"),
        (LimitScope.Campaign, "campaign"));

    internal static readonly EnumNames<DueDialKind> DueDialKinds = new(
        (DueDialKind.Redial, "redial"),
        (DueDialKind.Deferred, "deferred"),
        (DueDialKind.Callback, "callback"));

    // A claimed item travels as pending (claims are never exported), so "claimed" is not a name of the format.
    internal static readonly EnumNames<RedialItemState> RedialStates = new(
        (RedialItemState.Pending, "pending"),
        (RedialItemState.Completed, "completed"),
        (RedialItemState.Cancelled, "cancelled"));

    internal static readonly EnumNames<RedialFlags> RedialFlagNames = new(
        (RedialFlags.LeaveVoicemail, "leave_voicemail"));

    internal static readonly EnumNames<CampaignState> CampaignStates = new(
        (CampaignState.Draft, "draft"),
        (CampaignState.Running, "running"),
        (CampaignState.Paused, "paused"),
        (CampaignState.Completed, "completed"),
        (CampaignState.Cancelled, "cancelled"),
        (CampaignState.Failed, "failed"));
}

/// <summary>The first line of a <c>dialer-data</c> file: what wrote it and when.</summary>
/// <param name="Provider">The provider the data was read from, e.g. <c>sqlite</c>.</param>
/// <param name="SchemaVersion">The source store's schema version, when it was known.</param>
/// <param name="ExportedAt">When the export was written.</param>
/// <param name="Version">The format version (<see cref="JsonLinesFormat.CurrentVersion"/> when written by this code).</param>
public sealed record JsonLinesHeader(string Provider, int? SchemaVersion, Instant ExportedAt, int Version = JsonLinesFormat.CurrentVersion);

/// <summary>What a <c>dialer-data</c> file holds once read and validated.</summary>
/// <param name="Header">The header.</param>
/// <param name="Data">Every record, by type, in file order.</param>
public sealed record JsonLinesContent(JsonLinesHeader Header, StoreDataSet Data);

/// <summary>Stable lower_snake names for an enum's values (explicit, so renaming a member never changes a file).</summary>
internal sealed class EnumNames<T>
    where T : struct, Enum
{
    private readonly (T Value, string Name)[] _pairs;

    public EnumNames(params (T Value, string Name)[] pairs) => _pairs = pairs;

    public string Expected => string.Join(", ", Array.ConvertAll(_pairs, p => p.Name));

    public string Name(T value)
    {
        foreach (var (v, n) in _pairs)
        {
            if (EqualityComparer<T>.Default.Equals(v, value))
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(T).Name} value {value} has no name in the dialer-data format.");
    }

    public bool TryParse(string? name, out T value)
    {
        foreach (var (v, n) in _pairs)
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }

    public IEnumerable<(T Value, string Name)> Pairs => _pairs;
}
