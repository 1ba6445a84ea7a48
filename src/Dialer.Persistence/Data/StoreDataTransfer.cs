using System.Globalization;
using Dialer.Core;
using NodaTime;
using NodaTime.Text;

namespace Dialer.Persistence;

/// <summary>
/// Logical export and import of a store's data as <c>dialer-data</c> JSON lines (see <see cref="JsonLinesFormat"/>),
/// through the provider-neutral <see cref="IStoreDataAccess"/>: exporting from one provider and importing into another
/// moves the data between them (e.g. SQLite to PostgreSQL). Also writes the daily <c>calls_YYYY-MM-DD.jsonl</c> file.
/// </summary>
public static class StoreDataTransfer
{
    /// <summary>
    /// Writes the header and every row <paramref name="filter"/> selects to <paramref name="destination"/> (which stays
    /// open), in the order attempts, blocks, redial items, answering-machine statistics, campaigns, daily statistics.
    /// </summary>
    /// <remarks>
    /// A filter by number (<see cref="StoreDataFilter.Phone"/>) leaves out campaigns and daily statistics, which hold no
    /// numbers; a time range (<see cref="StoreDataFilter.From"/>/<see cref="StoreDataFilter.To"/>) limits attempts only.
    /// The header's schema version is the source's when it also implements <see cref="IStoreMaintenance"/> (otherwise use
    /// the overload that takes the store's maintenance interface).
    /// Each type is read in its own query: for a snapshot of a store under writes, export while the host is quiet (a
    /// backup of a running host taken this way may hold an attempt without a block its outcome created a moment later).
    /// </remarks>
    /// <returns>How many rows of each type were written.</returns>
    public static Task<StoreDataCounts> ExportAsync(
        IStoreDataAccess source,
        Stream destination,
        StoreDataFilter filter,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default) =>
        ExportAsync(source, source as IStoreMaintenance, destination, filter, timeProvider, cancellationToken);

    /// <summary>
    /// Like <see cref="ExportAsync(IStoreDataAccess, Stream, StoreDataFilter, TimeProvider?, CancellationToken)"/>, with
    /// the header's schema version read from <paramref name="maintenance"/> (the same store's maintenance interface,
    /// e.g. <c>SqliteDialerStore</c> for its <c>Data</c>); none when null.
    /// </summary>
    /// <returns>How many rows of each type were written.</returns>
    public static async Task<StoreDataCounts> ExportAsync(
        IStoreDataAccess source,
        IStoreMaintenance? maintenance,
        Stream destination,
        StoreDataFilter filter,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var now = (timeProvider ?? TimeProvider.System).GetCurrentInstant();
        int? schemaVersion = maintenance is not null
            ? await maintenance.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        var writer = new JsonLinesWriter(destination);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteHeaderAsync(new JsonLinesHeader(source.Provider, schemaVersion, now), cancellationToken).ConfigureAwait(false);
            // One read transaction for every type, so the file is a consistent snapshot of a running store.
            var data = await source.ReadSnapshotAsync(filter, cancellationToken).ConfigureAwait(false);
            foreach (var attempt in data.Attempts)
            {
                await writer.WriteAsync(attempt, cancellationToken).ConfigureAwait(false);
            }

            foreach (var block in data.Blocks)
            {
                await writer.WriteAsync(block, cancellationToken).ConfigureAwait(false);
            }

            foreach (var item in data.RedialItems)
            {
                await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }

            foreach (var stats in data.AnsweringMachineStats)
            {
                await writer.WriteAsync(stats, cancellationToken).ConfigureAwait(false);
            }

            foreach (var campaign in data.Campaigns)
            {
                await writer.WriteAsync(campaign, cancellationToken).ConfigureAwait(false);
            }

            foreach (var row in data.DailyStatistics)
            {
                await writer.WriteAsync(row, cancellationToken).ConfigureAwait(false);
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return writer.Counts;
        }
    }

    /// <summary>
    /// Reads and validates the whole of <paramref name="source"/> first, then writes it into <paramref name="target"/>
    /// in one transaction (<see cref="IStoreDataAccess.ImportAsync"/>): a file with any invalid line writes nothing.
    /// </summary>
    /// <returns>How many rows were written per data type (rows kept under <see cref="StoreImportMode.Merge"/> are not counted).</returns>
    /// <exception cref="JsonLinesFormatException">The file is not valid; every problem is listed and nothing was written.</exception>
    public static async Task<StoreDataCounts> ImportAsync(
        IStoreDataAccess target,
        Stream source,
        StoreImportMode mode,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(source);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"mode = {(int)mode} is not a defined {nameof(StoreImportMode)}.");
        }

        var content = await JsonLinesReader.ReadAsync(source, cancellationToken).ConfigureAwait(false);
        return await target.ImportAsync(content.Data, mode, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The file name of the daily calls export for <paramref name="date"/>: <c>calls_YYYY-MM-DD.jsonl</c>.</summary>
    public static string DailyCallsFileName(LocalDate date) =>
        "calls_" + LocalDatePattern.Iso.Format(date) + JsonLinesFormat.FileExtension;

    /// <summary>
    /// Writes <c>calls_YYYY-MM-DD.jsonl</c> into <paramref name="directory"/> (created if missing): the header and every
    /// attempt recorded on <paramref name="date"/> in <paramref name="zone"/> (from the start of that local day to the
    /// start of the next, so a DST day holds 23 or 25 hours), with its outcome. The file is written to a temporary file
    /// in the same directory, flushed to disk and moved over any earlier file, so a reader never sees half a file.
    /// </summary>
    /// <returns>The file's full path.</returns>
    /// <param name="source">The store.</param>
    /// <param name="directory">Where the file goes.</param>
    /// <param name="date">The local day.</param>
    /// <param name="zone">The zone whose day it is.</param>
    /// <param name="maintenance">The same store's maintenance interface, for the header's schema version; none when null (unless <paramref name="source"/> implements it).</param>
    /// <param name="timeProvider">The clock for the header's export instant.</param>
    /// <param name="cancellationToken">Cancels the export; the earlier file, if any, stays.</param>
    public static async Task<string> ExportDailyCallsAsync(
        IStoreDataAccess source,
        string directory,
        LocalDate date,
        DateTimeZone zone,
        IStoreMaintenance? maintenance = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(zone);
        var from = zone.AtStartOfDay(date).ToInstant();
        var to = zone.AtStartOfDay(date.PlusDays(1)).ToInstant();
        Directory.CreateDirectory(directory);
        var path = Path.GetFullPath(Path.Combine(directory, DailyCallsFileName(date)));
        var now = (timeProvider ?? TimeProvider.System).GetCurrentInstant();
        maintenance ??= source as IStoreMaintenance;
        int? schemaVersion = maintenance is not null
            ? await maintenance.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        await AtomicFile.WriteAsync(path, async stream =>
        {
            var writer = new JsonLinesWriter(stream);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteHeaderAsync(new JsonLinesHeader(source.Provider, schemaVersion, now), cancellationToken).ConfigureAwait(false);
                await foreach (var attempt in source.ReadAttemptsAsync(StoreDataFilter.Between(from, to), cancellationToken).ConfigureAwait(false))
                {
                    await writer.WriteAsync(attempt, cancellationToken).ConfigureAwait(false);
                }

                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return path;
    }
}

/// <summary>Writes a file so that readers see the old file or the whole new one, never a part.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, Task> write)
    {
        var directory = Path.GetDirectoryName(path) ?? ".";
        var temp = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N", CultureInfo.InvariantCulture) + ".tmp");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 64 * 1024, useAsync: true);
            await using (stream.ConfigureAwait(false))
            {
                await write(stream).ConfigureAwait(false);
                await stream.FlushAsync().ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
