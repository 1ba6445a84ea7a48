using Dialer.Core;
using Microsoft.Extensions.Logging;

namespace Dialer.Persistence;

/// <summary>
/// A data subject's request about one phone number: export everything stored for it, or erase it while keeping what
/// the law requires a dialer to keep (its do-not-call entries).
/// </summary>
public static partial class PrivacyRequests
{
    /// <summary>
    /// Writes everything stored for <paramref name="phone"/> to <paramref name="destination"/> as <c>dialer-data</c>
    /// JSON lines (see <see cref="JsonLinesFormat"/>): its attempts with outcomes, blocks and do-not-call entries,
    /// redial items and answering-machine statistics. Campaigns and daily statistics hold no numbers and are left out.
    /// </summary>
    /// <returns>How many rows of each type were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is <c>default</c>.</exception>
    public static Task<StoreDataCounts> ExportNumberAsync(
        IStoreDataAccess store,
        PhoneNumber phone,
        Stream destination,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        CheckPhone(phone);
        return StoreDataTransfer.ExportAsync(store, destination, StoreDataFilter.ForNumber(phone), timeProvider, cancellationToken);
    }

    /// <summary>
    /// Erases everything stored for <paramref name="phone"/> in one transaction (attempts, blocks other than do-not-call
    /// entries, redial items, answering-machine statistics), keeping its do-not-call entries.
    /// </summary>
    /// <returns>How many rows were deleted per data type.</returns>
    /// <exception cref="ArgumentException"><paramref name="phone"/> is <c>default</c>.</exception>
    public static async Task<StoreDataCounts> EraseNumberAsync(
        IStoreDataAccess store,
        PhoneNumber phone,
        ILogger? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        CheckPhone(phone);
        var deleted = await store.EraseNumberAsync(phone, cancellationToken).ConfigureAwait(false);
        if (logger is not null && logger.IsEnabled(LogLevel.Information))
        {
#pragma warning disable CA1873 // Guarded by IsEnabled above; the masked number is only built when Information is on.
            LogErased(logger, phone.ToMaskedString(), store.Provider, deleted.Total);
#pragma warning restore CA1873
        }

        return deleted;
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber).", nameof(phone));
        }
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Privacy erasure of {Phone} in the {Provider} store deleted {Rows} rows (do-not-call entries kept).")]
    private static partial void LogErased(ILogger logger, string phone, string provider, long rows);
}
