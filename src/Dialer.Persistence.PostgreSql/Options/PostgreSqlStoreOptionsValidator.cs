using Dialer.Core;
using Microsoft.Extensions.Options;

namespace Dialer.Persistence.PostgreSql;

/// <summary>Validates <see cref="PostgreSqlStoreOptions"/>, reporting every problem at once.</summary>
public sealed class PostgreSqlStoreOptionsValidator : IValidateOptions<PostgreSqlStoreOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Collect(options).ToResult();
    }

    /// <summary>Throws an <see cref="OptionsValidationException"/> listing every problem, if any.</summary>
    public static void ThrowIfInvalid(PostgreSqlStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Collect(options).ThrowIfAny(typeof(PostgreSqlStoreOptions));
    }

    private static OptionsErrorList Collect(PostgreSqlStoreOptions options)
    {
        var errors = new OptionsErrorList();
        if (!IsIdentifier(options.Schema))
        {
            errors.Add(nameof(PostgreSqlStoreOptions.Schema), options.Schema, "must be 1 to 63 characters of a-z, 0-9 and _, starting with a letter or _.");
        }

        if (options.CommandTimeout <= TimeSpan.Zero || options.CommandTimeout > TimeSpan.FromHours(1))
        {
            errors.Add(nameof(PostgreSqlStoreOptions.CommandTimeout), options.CommandTimeout, "must be positive and at most 01:00:00.");
        }

        if (options.MaxClockSkew <= TimeSpan.Zero || options.MaxClockSkew > PostgreSqlStoreOptions.MaxMaxClockSkew)
        {
            errors.Add(nameof(PostgreSqlStoreOptions.MaxClockSkew), options.MaxClockSkew, "must be positive and at most 7.00:00:00.");
        }

        if (options.MaxBatchSize < 1 || options.MaxBatchSize > PostgreSqlStoreOptions.MaxMaxBatchSize)
        {
            errors.Add(nameof(PostgreSqlStoreOptions.MaxBatchSize), options.MaxBatchSize, "must be between 1 and 1024.");
        }

        return errors;
    }

    private static bool IsIdentifier(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 63 || char.IsAsciiDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
