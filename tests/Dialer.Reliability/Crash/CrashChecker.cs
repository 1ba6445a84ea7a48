using Dialer.Reliability.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Dialer.Reliability.Crash;

/// <summary>
/// Checks a SQLite file after a crash against what the killed hosts logged: the file passes
/// <c>PRAGMA integrity_check</c>, every admission a host logged (only after the store call returned) is stored, and
/// every logged outcome is stored with its disposition.
/// </summary>
internal static class CrashChecker
{
    public static List<string> Check(string path, RunLog log)
    {
        var violations = new List<string>();
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False;Default Timeout=30");
        connection.Open();
        using (var integrity = connection.CreateCommand())
        {
            integrity.CommandText = "PRAGMA integrity_check";
            using var reader = integrity.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(reader.GetString(0));
            }

            if (lines is not ["ok"])
            {
                violations.Add("integrity_check: " + string.Join("; ", lines.Take(5)));
                return violations;
            }
        }

        using (var exists = connection.CreateCommand())
        {
            exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'attempts'";
            if ((long)exists.ExecuteScalar()! == 0)
            {
                // Killed before the schema was created: fine as long as nothing was acknowledged.
                violations.AddRange(log.Dials.Select(d => $"acknowledged admission lost (no attempts table): {d.CallId}"));
                return violations;
            }
        }

        var stored = new Dictionary<string, string?>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT attempt_id, outcome_code FROM attempts";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                stored[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        foreach (var dial in log.Dials)
        {
            if (!stored.ContainsKey(dial.CallId))
            {
                violations.Add($"acknowledged admission lost: {dial.CallId}");
            }
        }

        foreach (var (callId, code) in log.Outcomes)
        {
            if (!stored.TryGetValue(callId, out var storedCode) || storedCode != code)
            {
                violations.Add($"acknowledged outcome lost: {callId} ({code}, stored {storedCode ?? "nothing"})");
            }
        }

        foreach (var denied in log.Denied)
        {
            if (stored.ContainsKey(denied))
            {
                violations.Add($"denied admission stored: {denied}");
            }
        }

        return violations;
    }
}
