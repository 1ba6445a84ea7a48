using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// One open connection with its prepared commands cached by SQL text, so a statement is prepared once per connection.
/// Not thread-safe: a session is used by one caller at a time (the writer thread, or a reader rented from the pool).
/// </summary>
internal sealed class SqliteSession : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteSession(SqliteConnection connection)
    {
        Connection = connection;
    }

    public SqliteConnection Connection { get; }

    /// <summary>The cached command for <paramref name="sql"/>, its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Connection.CreateCommand();
#pragma warning disable CA2100 // Every SQL text is a constant of this assembly; values are always parameters.
            command.CommandText = sql;
#pragma warning restore CA2100
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>Runs a statement without parameters.</summary>
    public int Execute(string sql) => Command(sql).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}

/// <summary>Parameter and column helpers: instants are stored as UTC unix ticks (100 ns), phones as their integer value.</summary>
internal static class Sql
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static SqliteCommand With(this SqliteCommand command, string name, long value)
    {
        command.Parameters.AddWithValue(name, value);
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, string? value)
    {
        command.Parameters.AddWithValue(name, (object?)value ?? DBNull.Value);
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, long? value)
    {
        command.Parameters.AddWithValue(name, value is { } v ? v : DBNull.Value);
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, string name, Instant value) => command.With(name, Ticks(value));

    public static SqliteCommand With(this SqliteCommand command, string name, Instant? value) => command.With(name, value is { } v ? Ticks(v) : null);

    public static long Ticks(Instant instant) => instant.ToUnixTimeTicks();

    public static long? ScalarInt64(this SqliteCommand command)
    {
        var value = command.ExecuteScalar();
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static string? NullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);
}
