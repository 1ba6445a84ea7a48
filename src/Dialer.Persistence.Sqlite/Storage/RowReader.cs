using System.Globalization;
using Dialer.Core;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>A stored row failed validation: where it is and what is wrong. Turned into a <see cref="StoreCorruptionException"/>.</summary>
internal sealed class CorruptRowException : Exception
{
    public CorruptRowException(string table, long rowId, string problem, Exception? inner = null)
        : base($"{table} row {rowId.ToString(CultureInfo.InvariantCulture)}: {problem}", inner)
    {
        Table = table;
        RowId = rowId;
        Problem = problem;
    }

    public CorruptRowException()
    {
        Table = string.Empty;
        Problem = string.Empty;
    }

    public CorruptRowException(string message)
        : base(message)
    {
        Table = string.Empty;
        Problem = message;
    }

    public CorruptRowException(string message, Exception innerException)
        : base(message, innerException)
    {
        Table = string.Empty;
        Problem = message;
    }

    public string Table { get; }

    public long RowId { get; }

    public string Problem { get; }
}

/// <summary>
/// Reads the columns of one row of <see cref="Table"/> with validation: a value that cannot be what the column holds
/// (a malformed phone number, an out-of-range instant, an undefined enum value, a malformed disposition code) throws
/// <see cref="CorruptRowException"/> naming the table, rowid and column — never a silent default.
/// </summary>
internal readonly struct RowReader
{
    private readonly SqliteDataReader _reader;

    public RowReader(SqliteDataReader reader, string table, long rowId)
    {
        _reader = reader;
        Table = table;
        RowId = rowId;
    }

    public string Table { get; }

    public long RowId { get; }

    public CorruptRowException Corrupt(string column, string problem, Exception? inner = null) =>
        new(Table, RowId, $"column {column}: {problem}", inner);

    public long Int64(int ordinal, string column)
    {
        if (_reader.IsDBNull(ordinal))
        {
            throw Corrupt(column, "is NULL");
        }

        if (_reader.GetFieldType(ordinal) != typeof(long))
        {
            throw Corrupt(column, $"is not an integer (stored as {_reader.GetFieldType(ordinal).Name}; the value is not shown, it may be a phone number)");
        }

        return _reader.GetInt64(ordinal);
    }

    public long? NullableInt64(int ordinal, string column) => _reader.IsDBNull(ordinal) ? null : Int64(ordinal, column);

    public int Int32(int ordinal, string column, int min = int.MinValue, int max = int.MaxValue)
    {
        var v = Int64(ordinal, column);
        if (v < min || v > max)
        {
            throw Corrupt(column, $"{v.ToString(CultureInfo.InvariantCulture)} is outside [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
        }

        return (int)v;
    }

    public bool Bool(int ordinal, string column) => Int32(ordinal, column, 0, 1) == 1;

    public TEnum Enum<TEnum>(int ordinal, string column)
        where TEnum : struct, Enum
    {
        var v = Int32(ordinal, column);
        var value = (TEnum)(object)v;
        if (!System.Enum.IsDefined(value))
        {
            throw Corrupt(column, $"{v.ToString(CultureInfo.InvariantCulture)} is not a defined {typeof(TEnum).Name}");
        }

        return value;
    }

    public TEnum? NullableEnum<TEnum>(int ordinal, string column)
        where TEnum : struct, Enum =>
        _reader.IsDBNull(ordinal) ? null : Enum<TEnum>(ordinal, column);

    public Instant Instant(int ordinal, string column)
    {
        var ticks = Int64(ordinal, column);
        try
        {
            return NodaTime.Instant.FromUnixTimeTicks(ticks);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Corrupt(column, $"{ticks.ToString(CultureInfo.InvariantCulture)} ticks is not a valid instant", ex);
        }
    }

    public Instant? NullableInstant(int ordinal, string column) => _reader.IsDBNull(ordinal) ? null : Instant(ordinal, column);

    public PhoneNumber Phone(int ordinal, string column)
    {
        var v = Int64(ordinal, column);
        try
        {
            return PhoneNumber.FromValue(unchecked((ulong)v));
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw Corrupt(column, "is not a valid E.164 number (7 to 15 digits)", ex);
        }
    }

    /// <summary>A phone that may be 0 (not given), otherwise valid.</summary>
    public PhoneNumber OptionalPhone(int ordinal, string column) => Int64(ordinal, column) == 0 ? default : Phone(ordinal, column);

    public string Text(int ordinal, string column)
    {
        var s = NullableText(ordinal, column);
        if (string.IsNullOrEmpty(s))
        {
            throw Corrupt(column, "is NULL or empty");
        }

        return s;
    }

    public string? NullableText(int ordinal, string column)
    {
        if (_reader.IsDBNull(ordinal))
        {
            return null;
        }

        if (_reader.GetFieldType(ordinal) != typeof(string))
        {
            throw Corrupt(column, "is not text");
        }

        return _reader.GetString(ordinal);
    }

    /// <summary>A disposition code and category stored together (both NULL or both set, code well-formed, category defined).</summary>
    public (string? Code, DispositionCategory? Category) Outcome(int codeOrdinal, int categoryOrdinal, string codeColumn, string categoryColumn)
    {
        var code = NullableText(codeOrdinal, codeColumn);
        var category = NullableEnum<DispositionCategory>(categoryOrdinal, categoryColumn);
        if ((code is null) != (category is null))
        {
            throw Corrupt(codeColumn, $"and {categoryColumn} must be both NULL or both set");
        }

        if (code is not null && !Disposition.TryGetWellKnown(code, out _) && Disposition.ValidateCustomCode(code) is { } problem)
        {
            throw Corrupt(codeColumn, "is not a valid disposition code: " + problem);
        }

        return (code, category);
    }
}
