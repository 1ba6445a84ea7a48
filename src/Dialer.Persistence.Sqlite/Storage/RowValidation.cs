namespace Dialer.Persistence.Sqlite;

/// <summary>Reads every row of every data table through the stores' validating mappers.</summary>
internal static class RowValidation
{
    public static long ValidateAll(SqliteSession s)
    {
        long rows = 0;
        rows += Scan(s, "SELECT " + SqliteAttemptLedger.AttemptColumns + " FROM attempts", r => SqliteAttemptLedger.ReadAttempt(r));
        rows += Scan(s, "SELECT " + SqliteAttemptLedger.BlockColumns + " FROM blocks", r => SqliteAttemptLedger.ReadBlock(r));
        rows += Scan(s, "SELECT " + SqliteRedialQueue.Columns + " FROM redial_queue", r => SqliteRedialQueue.ReadItem(r));
        rows += Scan(s, "SELECT rowid, phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at FROM am_numbers", r => SqliteAnsweringMachineTracker.ReadRow(r));
        rows += Scan(s, "SELECT rowid, scope_id FROM slot_lease_scopes", r => SqliteSlotStore.ReadScope(r));
        rows += Scan(s, "SELECT rowid, call_id, acquired_at, expires_at FROM slot_leases", r =>
        {
            var row = new RowReader(r, "slot_leases", r.GetInt64(0));
            row.Text(1, "call_id");
            row.Instant(2, "acquired_at");
            row.Instant(3, "expires_at");
        });
        rows += Scan(s, "SELECT " + SqliteCampaignStore.Columns + " FROM campaigns", r => SqliteCampaignStore.ReadRow(r));
        rows += Scan(s, "SELECT " + SqliteDailyStatistics.Columns + " FROM daily_statistics", r => SqliteDailyStatistics.ReadRow(r));
        return rows;
    }

    private static long Scan(SqliteSession s, string sql, Action<Microsoft.Data.Sqlite.SqliteDataReader> validate)
    {
        long n = 0;
        using var reader = s.Command(sql).ExecuteReader();
        while (reader.Read())
        {
            validate(reader);
            n++;
        }

        return n;
    }
}
