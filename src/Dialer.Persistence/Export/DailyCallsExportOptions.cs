namespace Dialer.Persistence;

/// <summary>
/// Options of the daily calls export (<see cref="DailyCallsExportService"/>): once a day, after local midnight in
/// <see cref="ZoneId"/>, the previous day's attempts and outcomes are written to <c>calls_YYYY-MM-DD.jsonl</c> in
/// <see cref="Directory"/> — the seeds' daily call files, written atomically by the library instead of a script.
/// </summary>
public sealed class DailyCallsExportOptions
{
    /// <summary>The default <see cref="Directory"/>.</summary>
    public const string DefaultDirectory = "exports";

    /// <summary>The default <see cref="ZoneId"/>.</summary>
    public const string DefaultZoneId = "UTC";

    /// <summary>The default <see cref="ExportAfter"/>: 15 minutes, so outcomes of calls placed just before midnight are in.</summary>
    public static readonly TimeSpan DefaultExportAfter = TimeSpan.FromMinutes(15);

    /// <summary>The default <see cref="CatchUpDays"/>.</summary>
    public const int DefaultCatchUpDays = 7;

    /// <summary>The largest accepted <see cref="CatchUpDays"/>.</summary>
    public const int MaxCatchUpDays = 366;

    /// <summary>Where the daily files go (created when missing; relative paths are taken from the current directory).</summary>
    /// <value>Default <see cref="DefaultDirectory"/>.</value>
    public string Directory { get; set; } = DefaultDirectory;

    /// <summary>The IANA zone whose local days the files cover (the day starts and ends at its local midnights, DST included).</summary>
    /// <value>Default <see cref="DefaultZoneId"/>.</value>
    public string ZoneId { get; set; } = DefaultZoneId;

    /// <summary>How long after local midnight the previous day is exported: between 0 and 12 hours.</summary>
    /// <value>Default <see cref="DefaultExportAfter"/> (00:15:00).</value>
    public TimeSpan ExportAfter { get; set; } = DefaultExportAfter;

    /// <summary>
    /// How many finished days back a run looks for a missing file (a host that was down over midnight catches up on
    /// start); a file that exists is never rewritten by the service. Between 1 and <see cref="MaxCatchUpDays"/>.
    /// </summary>
    /// <value>Default <see cref="DefaultCatchUpDays"/>.</value>
    public int CatchUpDays { get; set; } = DefaultCatchUpDays;

    /// <summary>Whether the hosted service runs (on start, then daily); when false, call <see cref="DailyCallsExportService.RunOnceAsync"/> yourself.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool RunInBackground { get; set; } = true;
}
