using Dialer.Core;
using Dialer.Redial;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// <see cref="IAnsweringMachineTracker"/> on PostgreSQL: recording is one function call (advisory lock on the number,
/// insert the attempt id if new, then update the counters), reset and purge are one statement each.
/// </summary>
internal sealed class PostgreSqlAnsweringMachineTracker : IAnsweringMachineTracker
{
    private readonly PgContext _context;
    private readonly string _record, _get, _reset, _purge;

    public PostgreSqlAnsweringMachineTracker(PgContext context)
    {
        _context = context;
        _record = context.Sql("SELECT r_consecutive, r_machines, r_outcomes, r_last FROM {s}.am_record($1, $2, $3, $4)");
        _get = context.Sql("SELECT consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM {s}.am_numbers WHERE phone = $1");
        _reset = context.Sql("""
            WITH attempts AS (DELETE FROM {s}.am_attempts WHERE phone = $1)
            DELETE FROM {s}.am_numbers WHERE phone = $1
            """);
        _purge = context.Sql("""
            WITH doomed AS (DELETE FROM {s}.am_numbers WHERE last_outcome_at < $1 OR last_outcome_at IS NULL RETURNING phone),
                 attempts AS (DELETE FROM {s}.am_attempts a USING doomed d WHERE a.phone = d.phone)
            SELECT count(*) FROM doomed
            """);
    }

    public async ValueTask<AnsweringMachineStats> RecordAsync(PhoneNumber phone, string attemptId, bool isMachine, Instant at, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        ArgumentException.ThrowIfNullOrEmpty(attemptId);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_record);
        PgContext.Add(command, (long)phone.Value);
        PgContext.Add(command, attemptId);
        PgContext.Add(command, isMachine);
        PgContext.Add(command, PgContext.Ticks(at));
        return await ReadStatsAsync(command, phone, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<AnsweringMachineStats> GetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_get);
        PgContext.Add(command, (long)phone.Value);
        return await ReadStatsAsync(command, phone, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ResetAsync(PhoneNumber phone, CancellationToken cancellationToken = default)
    {
        CheckPhone(phone);
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_reset);
        PgContext.Add(command, (long)phone.Value);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async ValueTask<long> PurgeAsync(Instant olderThan, CancellationToken cancellationToken = default)
    {
        await _context.EnsureReadyAsync(cancellationToken).ConfigureAwait(false);
        using var command = _context.Command(_purge);
        PgContext.Add(command, PgContext.Ticks(olderThan));
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    private async Task<AnsweringMachineStats> ReadStatsAsync(NpgsqlCommand command, PhoneNumber phone, CancellationToken cancellationToken)
    {
        Exception? problem = null;
        using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return new AnsweringMachineStats(phone, 0, 0, 0, null);
            }

            try
            {
                return new AnsweringMachineStats(
                    phone,
                    reader.GetInt32(0),
                    reader.GetInt32(1),
                    reader.GetInt32(2),
                    reader.IsDBNull(3) ? null : PgContext.FromTicks(reader.GetInt64(3)));
            }
            catch (ArgumentException ex)
            {
                problem = ex;
            }
        }

        throw await _context.QuarantineAsync("am_numbers", "phone", (long)phone.Value, problem.Message, problem, cancellationToken).ConfigureAwait(false);
    }

    private static void CheckPhone(PhoneNumber phone)
    {
        if (phone.IsDefault)
        {
            throw new ArgumentException("phone is default(PhoneNumber); a valid E.164 number is required.", nameof(phone));
        }
    }
}
