using Dialer.Core;
using Dialer.Protection;
using Dialer.Reliability.Host;
using Dialer.Reliability.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dialer.Reliability.BadInput;

/// <summary>
/// Family 3, bad input — corrupted stored rows (SQLite): a store holds an attempt for A (inside the duplicate window),
/// an attempt with a "sold" outcome for B (blocked) and a do-not-call entry for C; one random column of one random row
/// is then overwritten with an invalid value, and a restarted host asks to dial A, B and C. Each must be denied or the
/// store must refuse (fail closed with a store exception) — never allowed, never an unexpected exception. Deleting the
/// rows instead (state silently lost) is caught by the same checker.
/// </summary>
public sealed class CorruptRowTests(ITestOutputHelper output)
{
    private static readonly (string Table, string[] Columns)[] Targets =
    [
        ("attempts", ["phone", "lead_id", "client_id", "recorded_at", "outcome_code", "outcome_category", "outcome_at"]),
        ("blocks", ["kind", "target", "phone", "scope", "created_at", "until_at", "block_id"]),
    ];

    private static readonly object[] BadValues = ["corrupt!", new byte[] { 0, 0xff, 0x10 }, long.MaxValue, long.MinValue, -5L, "", "+1 (415) 555", 3.5];

    /// <summary>
    /// FINDING of this suite (open, for the Dialer.Persistence.Sqlite owner): a corrupt value in a column the store
    /// filters on in SQL (a phone, an instant or a block target) hides the row from the indexed lookup, so it is never
    /// read and validated, and the protected number is admitted — the store fails OPEN. These columns are reported on
    /// every run and tolerated here only so the rest of the family guards against regressions; remove each entry when
    /// the store validates it (e.g. a CHECK constraint or a typed-column scan at open).
    /// </summary>
    private static readonly HashSet<string> KnownFailOpen = new(StringComparer.Ordinal)
    {
        // Was: attempts.phone, attempts.recorded_at, blocks.phone, blocks.target, blocks.until_at — rows never read by a
        // lookup. Fixed by SqliteStoreOptions.ValidateRowsOnOpen (default on): the restarted host scans and fails closed.
    };

    [Fact]
    public async Task CorruptedRows_RestartedHost_NeverAdmitsTheProtectedNumbers_ExceptTheKnownFailOpenKeyColumns()
    {
        var seed = Suite.Seed();
        var random = new Random(seed);
        var tally = new FuzzTally("corrupted stored rows", seed);
        var refusedByConstraint = 0;
        var failOpen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 150 * Suite.Scale; i++)
        {
            var (table, columns) = Targets[random.Next(Targets.Length)];
            var column = columns[random.Next(columns.Length)];
            var value = BadValues[random.Next(BadValues.Length)];
            var pick = random.Next(1000);
            var (outcome, detail, refused) = await RunCaseAsync(db => Corrupt(db, table, column, value, pick));
            refusedByConstraint += refused ? 1 : 0;
            tally.Add(outcome, i, $"{table}.{column} := {Show(value)} (row pick {pick})", detail);
            if (outcome == InputOutcome.Violation)
            {
                failOpen.Add($"{table}.{column}");
            }
        }

        output.WriteLine(tally.Summary + $" ({refusedByConstraint} corruptions refused by a constraint, counted as rejected)");
        output.WriteLine("  fail-open columns: " + string.Join(", ", failOpen.Order(StringComparer.Ordinal)));
        tally.Violations.Take(10).ToList().ForEach(v => output.WriteLine("  violation: " + v));
        Assert.Empty(failOpen.Except(KnownFailOpen));
        Assert.Equal(tally.Violations.Count, tally.Violations.Count(v => KnownFailOpen.Any(k => v.Contains("input: " + k + " ", StringComparison.Ordinal))));
    }

    [Theory]
    [InlineData("attempts", "client_id", "")]
    [InlineData("attempts", "outcome_category", "corrupt!")]
    [InlineData("blocks", "kind", 99L)]
    public async Task CorruptedNonKeyColumn_FailsClosed(string table, string column, object value)
    {
        var (outcome, detail, _) = await RunCaseAsync(db => Corrupt(db, table, column, value, 0));
        Assert.True(outcome == InputOutcome.Rejected, detail);
    }

    [Fact]
    public async Task Checker_RowsSilentlyLost_IsCaught()
    {
        var (outcome, detail, _) = await RunCaseAsync(db => Exec(db, "DELETE FROM attempts; DELETE FROM blocks;"));
        output.WriteLine($"broken variant (rows deleted instead of corrupted): {outcome}: {detail}");
        Assert.Equal(InputOutcome.Violation, outcome);
        Assert.Contains("allowed", detail, StringComparison.Ordinal);
    }

    private static async Task<(InputOutcome Outcome, string? Detail, bool Refused)> RunCaseAsync(Func<string, bool> damage)
    {
        var db = Path.Combine(Suite.NewDirectory("corrupt"), "dialer.db");
        var args = HostArgs.Parse(["--store", "sqlite", "--target", db, "--log", "unused", "--window-ms", "3600000", "--cap", "3"]);
        PhoneNumber a = PhoneNumber.Parse("+14155550101"), b = PhoneNumber.Parse("+14155550102"), c = PhoneNumber.Parse("+14155550103");
        await using (var services = HostServices.Build(args))
        {
            var admission = services.GetRequiredService<IDialAdmission>();
            Assert.True((await admission.AdmitAsync(new DialRequest("call-a", "lead-a", a))).IsAllowed);
            var requestB = new DialRequest("call-b", "lead-b", b);
            Assert.True((await admission.AdmitAsync(requestB)).IsAllowed);
            await services.GetRequiredService<ICallOutcomeReporter>().ReportAsync(new CallOutcome(requestB, Disposition.Sold, services.GetRequiredService<TimeProvider>().GetCurrentInstant()));
            await services.GetRequiredService<DoNotCallList>().AddAsync(c, "reliability suite");
        }

        SqliteConnection.ClearAllPools();
        if (!damage(db))
        {
            return (InputOutcome.Rejected, null, true);
        }

        try
        {
            await using var services = HostServices.Build(args);
            var admission = services.GetRequiredService<IDialAdmission>();
            foreach (var (phone, name) in new[] { (a, "A (in the duplicate window)"), (b, "B (sold: blocked)"), (c, "C (do not call)") })
            {
                var decision = await admission.AdmitAsync(new DialRequest("again-" + phone.Value, "lead-x", phone));
                if (decision.IsAllowed)
                {
                    return (InputOutcome.Violation, $"{name} allowed after the corruption", false);
                }
            }

            return (InputOutcome.Rejected, null, false);
        }
        catch (Exception ex) when (ex.GetType().Namespace == "Dialer.Persistence" && ex.Message.Length > 0)
        {
            return (InputOutcome.Rejected, null, false); // fails closed with a store exception naming the location
        }
#pragma warning disable CA1031 // the checker classifies whatever escapes
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return (InputOutcome.Violation, "unexpected " + ex.GetType().Name + ": " + ex.Message, false);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static bool Corrupt(string db, string table, string column, object value, int pick)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {table} SET {column} = $v WHERE rowid = (SELECT rowid FROM {table} ORDER BY rowid LIMIT 1 OFFSET ($pick % (SELECT COUNT(*) FROM {table})))";
        command.Parameters.AddWithValue("$v", value);
        command.Parameters.AddWithValue("$pick", pick);
        try
        {
            return command.ExecuteNonQuery() == 1;
        }
        catch (SqliteException)
        {
            return false; // a constraint refused the value: nothing was corrupted
        }
    }

    private static bool Exec(string db, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return true;
    }

    private static string Show(object value) => value is byte[] bytes ? "x'" + Convert.ToHexString(bytes) + "'" : value.ToString() ?? "null";
}
