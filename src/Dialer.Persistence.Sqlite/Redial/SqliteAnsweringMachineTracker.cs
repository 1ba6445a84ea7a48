using Dialer.Core;
using Dialer.Redial;
using NodaTime;

namespace Dialer.Persistence.Sqlite;

/// <summary>
/// The answering-machine tracker on SQLite: a row per number with its counters and a row per recorded attempt id
/// (deleted with the number). Recording inserts the attempt id and, only when it is new, updates the counters — in one
/// write transaction.
/// </summary>
internal sealed class SqliteAnsweringMachineTracker : IAnsweringMachineTracker
{
    private const string SelectStats = "SELECT rowid, phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM am_numbers WHERE phone = $phone";

    private readonly SqliteDialerStore _store;

    public SqliteAnsweringMachineTracker(SqliteDialerStore store)
    {
        _store = store;
    }

    public ValueTask<AnsweringMachineStats> RecordAsync(PhoneNumber phone, string attemptId, bool isMachine, Instant at, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        return _store.WriteAsync(
            (_, s) =>
            {
                var p = (long)phone.Value;
                s.Command("INSERT INTO am_numbers (phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at) VALUES ($phone, 0, 0, 0, NULL) ON CONFLICT (phone) DO NOTHING")
                    .With("$phone", p).ExecuteNonQuery();
                var inserted = s.Command("INSERT INTO am_attempts (phone, attempt_id, recorded_at) VALUES ($phone, $id, $at) ON CONFLICT (phone, attempt_id) DO NOTHING")
                    .With("$phone", p).With("$id", attemptId).With("$at", at).ExecuteNonQuery();
                if (inserted > 0)
                {
                    s.Command(
                            "UPDATE am_numbers SET consecutive_machines = CASE WHEN $machine = 1 THEN consecutive_machines + 1 ELSE 0 END, " +
                            "total_machines = total_machines + $machine, total_outcomes = total_outcomes + 1, " +
                            "last_outcome_at = CASE WHEN last_outcome_at IS NULL OR last_outcome_at < $at THEN $at ELSE last_outcome_at END WHERE phone = $phone")
                        .With("$machine", isMachine ? 1 : 0).With("$at", at).With("$phone", p).ExecuteNonQuery();
                }

                return ReadStats(s, phone);
            },
            cancellationToken);
    }

    public ValueTask<AnsweringMachineStats> GetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        return new(_store.Read((_, s) => ReadStats(s, phone), cancellationToken));
    }

    public ValueTask<bool> ResetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        return _store.WriteAsync(
            (_, s) => s.Command("DELETE FROM am_numbers WHERE phone = $phone").With("$phone", (long)phone.Value).ExecuteNonQuery() > 0,
            cancellationToken);
    }

    public ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default) =>
        _store.WriteAsync(
            (_, s) => (long)s.Command("DELETE FROM am_numbers WHERE last_outcome_at IS NULL OR last_outcome_at < $t").With("$t", olderThan).ExecuteNonQuery(),
            cancellationToken);

    private static AnsweringMachineStats ReadStats(SqliteSession s, PhoneNumber phone)
    {
        using var reader = s.Command(SelectStats).With("$phone", (long)phone.Value).ExecuteReader();
        return reader.Read() ? ReadRow(reader) : new AnsweringMachineStats(phone, 0, 0, 0, null);
    }

    internal static AnsweringMachineStats ReadRow(Microsoft.Data.Sqlite.SqliteDataReader reader)
    {
        var row = new RowReader(reader, "am_numbers", reader.GetInt64(0));
        var phone = row.Phone(1, "phone");
        var consecutive = row.Int32(2, "consecutive_machines", 0);
        var machines = row.Int32(3, "total_machines", 0);
        var outcomes = row.Int32(4, "total_outcomes", 0);
        if (consecutive > machines || machines > outcomes)
        {
            throw row.Corrupt("consecutive_machines", "counts contradict each other (consecutive > total machines > outcomes)");
        }

        return new AnsweringMachineStats(phone, consecutive, machines, outcomes, row.NullableInstant(5, "last_outcome_at"));
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }
    }
}
