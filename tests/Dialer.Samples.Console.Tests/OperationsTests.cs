using System.Text.Json;

namespace Dialer.Samples.Console.Tests;

public sealed class OperationsTests : IDisposable
{
    private const string OpenInstant = "2026-03-02T15:00:00Z";
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public void DncAdd_ThenCheck_IsDeniedPermanently_ThenRemove_AllowsAgain()
    {
        Assert.Equal(0, _dialer.Run("dnc", "add", "+13125550199", "--reason", "asked to stop").ExitCode);

        var denied = _dialer.Run("check", "--phone", "+13125550199", "--at", OpenInstant, "--json");
        var list = _dialer.Run("dnc", "list");

        Assert.Equal(3, denied.ExitCode);
        using (var doc = JsonDocument.Parse(denied.Stdout))
        {
            var reason = Assert.Single(doc.RootElement.GetProperty("reasons").EnumerateArray());
            Assert.Equal("protection.do_not_call", reason.GetProperty("code").GetString());
            Assert.Equal(JsonValueKind.Null, reason.GetProperty("clearsAt").ValueKind);
            Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("nextEligibleAt").ValueKind);
        }

        Assert.Contains("+13125550199", list.Stdout, StringComparison.Ordinal);
        Assert.Contains("asked to stop", list.Stdout, StringComparison.Ordinal);

        Assert.Equal(0, _dialer.Run("dnc", "remove", "+13125550199").ExitCode);
        Assert.Equal(0, _dialer.Run("check", "--phone", "+13125550199", "--at", OpenInstant, "--json").ExitCode);
    }

    [Fact]
    public void DncRemove_NumberNotListed_ExitsTwo()
    {
        var result = _dialer.Run("dnc", "remove", "+13125550199");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("PHONE '+13125550199'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_RecordsNothing_SoRepeatedChecksStayAllowed()
    {
        for (var i = 0; i < 5; i++)
        {
            // The daily cap is 3 and the duplicate window 10 minutes: recorded checks would be denied by the second.
            Assert.Equal(0, _dialer.Run("check", "--phone", "+12125550123", "--at", OpenInstant, "--json").ExitCode);
        }
    }

    [Fact]
    public void Campaign_StatusPauseResumeCancel_FollowTheLifecycle()
    {
        Assert.Equal(0, _dialer.Run("simulate", "--generate", "100", "--days", "1").ExitCode);

        var status = _dialer.Run("campaign", "status", "sim");
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("100 / 100 leads (100.0 %)", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("Running", _dialer.Run("campaign", "list").Stdout, StringComparison.Ordinal);

        Assert.Equal(0, _dialer.Run("campaign", "pause", "sim").ExitCode);
        Assert.Equal(3, _dialer.Run("campaign", "pause", "sim").ExitCode);
        var paused = _dialer.Run("simulate", "--days", "1");
        Assert.Equal(2, paused.ExitCode);
        Assert.Contains("campaign resume sim", paused.Stderr, StringComparison.Ordinal);

        Assert.Equal(0, _dialer.Run("campaign", "resume", "sim").ExitCode);
        Assert.Equal(0, _dialer.Run("campaign", "cancel", "sim").ExitCode);
        Assert.Equal(3, _dialer.Run("campaign", "resume", "sim").ExitCode);
        Assert.Contains("Cancelled", _dialer.Run("campaign", "status", "sim").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Campaign_UnknownId_ExitsTwoNamingIt()
    {
        var result = _dialer.Run("campaign", "status", "nope");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ID 'nope'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void CallsActive_AfterASimulation_NoLeaseIsLeft()
    {
        Assert.Equal(0, _dialer.Run("simulate", "--generate", "100", "--days", "1").ExitCode);

        var result = _dialer.Run("calls", "active");

        Assert.True(result.ExitCode == 0, result.ToString());
        var global = result.Stdout.Split('\n').Single(l => l.Contains("global", StringComparison.Ordinal));
        Assert.Equal(["global", "0", "100"], global.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void Postgres_StoreWorksForEveryCommand_DncThenCheck()
    {
        var connection = Environment.GetEnvironmentVariable("DIALER_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(connection), "DIALER_TEST_POSTGRES is not set: run the suite with eng/test.sh, which starts a throwaway PostgreSQL.");
        var phone = "+1415555" + Random.Shared.Next(1000, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string[] pg = ["--store", "postgres", "--connection", connection!];

        var add = _dialer.Run([.. pg, "dnc", "add", phone]);
        try
        {
            Assert.True(add.ExitCode == 0, add.ToString());
            var check = _dialer.Run([.. pg, "check", "--phone", phone, "--at", "2026-03-02T18:00:00Z", "--json"]);
            Assert.True(check.ExitCode == 3, check.ToString());
            Assert.True(check.Stdout.Contains("protection.do_not_call", StringComparison.Ordinal), check.ToString());
        }
        finally
        {
            _dialer.Run([.. pg, "dnc", "remove", phone]);
        }

        Assert.Equal(0, _dialer.Run([.. pg, "check", "--phone", phone, "--at", "2026-03-02T18:00:00Z", "--json"]).ExitCode);

        // The simulation runs on its fake clock against PostgreSQL too (attempts stamped with the simulated time).
        var campaign = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var simulate = _dialer.Run([.. pg, "simulate", "--generate", "60", "--days", "1", "--campaign", campaign]);
        Assert.True(simulate.ExitCode == 0, simulate.ToString());
        var status = _dialer.Run([.. pg, "campaign", "status", campaign]);
        Assert.True(status.Stdout.Contains("60 / 60 leads (100.0 %)", StringComparison.Ordinal), status.ToString());
        Assert.False(File.Exists(_dialer.DatabasePath), "--store postgres must not create dialer.db");
    }
}
