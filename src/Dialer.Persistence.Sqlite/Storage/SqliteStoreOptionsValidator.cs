using Dialer.Core;
using Microsoft.Extensions.Options;

namespace Dialer.Persistence.Sqlite;

/// <summary>Validates <see cref="SqliteStoreOptions"/>, reporting every problem at once.</summary>
public sealed class SqliteStoreOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromHours(1);

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(options).ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem of <paramref name="options"/>, if any.</summary>
    public static void ThrowIfInvalid(SqliteStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Collect(options).ThrowIfAny(typeof(SqliteStoreOptions));
    }

    private static OptionsErrorList Collect(SqliteStoreOptions options)
    {
        var errors = new OptionsErrorList();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add(nameof(options.Path), options.Path, "is required: the path of the database file.");
        }
        else if (options.Path.AsSpan().IndexOfAny(System.IO.Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add(nameof(options.Path), options.Path, "contains characters that are not valid in a path.");
        }

        if (options.BusyTimeout < TimeSpan.FromMilliseconds(1) || options.BusyTimeout > MaxBusyTimeout)
        {
            errors.Add(nameof(options.BusyTimeout), options.BusyTimeout, "must be between 00:00:00.001 and 01:00:00.");
        }

        if (!Enum.IsDefined(options.Synchronous))
        {
            errors.Add(nameof(options.Synchronous), (int)options.Synchronous, "is not a defined SqliteSynchronousMode (Full, Extra, Normal).");
        }

        if (options.MaxBatchSize < 1 || options.MaxBatchSize > SqliteStoreOptions.MaxMaxBatchSize)
        {
            errors.Add(nameof(options.MaxBatchSize), options.MaxBatchSize, $"must be between 1 and {SqliteStoreOptions.MaxMaxBatchSize}.");
        }

        if (options.MaxReadConnections < 1 || options.MaxReadConnections > SqliteStoreOptions.MaxMaxReadConnections)
        {
            errors.Add(nameof(options.MaxReadConnections), options.MaxReadConnections, $"must be between 1 and {SqliteStoreOptions.MaxMaxReadConnections}.");
        }

        return errors;
    }
}
