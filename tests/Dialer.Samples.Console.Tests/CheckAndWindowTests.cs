using System.Text.Json;

namespace Dialer.Samples.Console.Tests;

public sealed class CheckAndWindowTests : IDisposable
{
    // Monday 2 March 2026: 15:00Z is 10:00 in New York (open); 03:00Z is 22:00 the evening before (closed).
    private const string OpenInstant = "2026-03-02T15:00:00Z";
    private const string ClosedInstant = "2026-03-02T03:00:00Z";
    private readonly DialerProcess _dialer = new();

    public void Dispose() => _dialer.Dispose();

    [Fact]
    public void CheckJson_Allowed_HasExactShape_ExitsZero()
    {
        var result = _dialer.Run("check", "--phone", "+12125550123", "--at", OpenInstant, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.Equal(["allowed", "reasons", "nextEligibleAt", "calleeZones"], root.EnumerateObject().Select(p => p.Name));
        Assert.True(root.GetProperty("allowed").GetBoolean());
        Assert.Equal(0, root.GetProperty("reasons").GetArrayLength());
        var zone = Assert.Single(root.GetProperty("calleeZones").EnumerateArray());
        Assert.Equal(["zone", "source"], zone.EnumerateObject().Select(p => p.Name));
        Assert.Equal("America/New_York", zone.GetProperty("zone").GetString());
        Assert.Equal("phonePrefix", zone.GetProperty("source").GetString());
    }

    [Fact]
    public void CheckJson_Denied_ListsEveryReasonWithIsoInstants_ExitsThree()
    {
        var result = _dialer.Run("check", "--phone", "+12125550123", "--at", ClosedInstant, "--json");

        Assert.True(result.ExitCode == 3, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var root = doc.RootElement;
        Assert.False(root.GetProperty("allowed").GetBoolean());
        var reasons = root.GetProperty("reasons").EnumerateArray().ToList();
        Assert.Contains(reasons, r => r.GetProperty("code").GetString() == "window.legal_hours");
        foreach (var reason in reasons)
        {
            Assert.Equal(["code", "message", "clearsAt"], reason.EnumerateObject().Select(p => p.Name));
            Assert.False(string.IsNullOrEmpty(reason.GetProperty("message").GetString()));
        }

        // 08:00 in New York on Monday 2 March 2026 (EST, UTC-5) is when the legal-hours reason clears.
        Assert.Equal("2026-03-02T14:00:00Z", root.GetProperty("nextEligibleAt").GetString());
    }

    [Fact]
    public void Check_ExplicitZone_IsTheStrongestCalleeZone()
    {
        var result = _dialer.Run("check", "--phone", "+12125550123", "--zone", "America/Los_Angeles", "--at", OpenInstant, "--json");

        using var doc = JsonDocument.Parse(result.Stdout);
        var first = doc.RootElement.GetProperty("calleeZones")[0];
        Assert.Equal("America/Los_Angeles", first.GetProperty("zone").GetString());
        Assert.Equal("request", first.GetProperty("source").GetString());

        // 07:00 in Los Angeles: before the callee's legal hours.
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public void BlackoutAdd_ThenCheckOnThatDate_IsDeniedByBlackout()
    {
        Assert.Equal(0, _dialer.Run("check", "--phone", "+12125550123", "--at", OpenInstant, "--json").ExitCode);

        Assert.Equal(0, _dialer.Run("config", "blackout", "add", "2026-03-02").ExitCode);
        var result = _dialer.Run("check", "--phone", "+12125550123", "--at", OpenInstant, "--json");

        Assert.Equal(3, result.ExitCode);
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.Contains(doc.RootElement.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("code").GetString() == "window.blackout");
        Assert.Equal("2026-03-03T14:00:00Z", doc.RootElement.GetProperty("nextEligibleAt").GetString());
    }

    [Theory]
    [InlineData("--phone", "12125550123", "--phone '12125550123'")]
    [InlineData("--phone", "+1212abc", "--phone '+1212abc'")]
    [InlineData("--at", "yesterday", "--at 'yesterday'")]
    [InlineData("--zone", "Mars/Base", "--zone 'Mars/Base'")]
    public void Check_BadInput_ExitsTwoWithOneMessageNamingArgumentAndValue(string option, string value, string expected)
    {
        string[] args = option == "--phone" ? ["check", option, value] : ["check", "--phone", "+12125550123", option, value];

        var result = _dialer.Run(args);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Stdout);
    }

    [Fact]
    public void UnknownOption_ExitsTwoNamingIt()
    {
        var result = _dialer.Run("check", "--phone", "+12125550123", "--frobnicate");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--frobnicate", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void WindowJson_Region_ListsOpenIntervalsInsideCalleeLegalAndBusinessHours()
    {
        // California on Mon 2 / Tue 3 March 2026 (PST, UTC-8): legal 08:00–21:00 PT = 16:00Z–05:00Z;
        // business Mon–Sat 09:00–21:00 New York (EST, UTC-5) = 14:00Z–02:00Z. Intersection: 16:00Z–02:00Z.
        var result = _dialer.Run("window", "--region", "CA", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-04T00:00:00Z", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        var intervals = doc.RootElement.GetProperty("intervals").EnumerateArray()
            .Select(i => (i.GetProperty("start").GetString(), i.GetProperty("end").GetString())).ToList();
        Assert.Equal(
            [("2026-03-02T16:00:00Z", "2026-03-03T02:00:00Z"), ("2026-03-03T16:00:00Z", "2026-03-04T00:00:00Z")],
            intervals);
    }

    [Fact]
    public void Window_NoCallee_ExitsTwo()
    {
        var result = _dialer.Run("window", "--from", "2026-03-02T00:00:00Z", "--to", "2026-03-04T00:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--phone", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Window_ToBeforeFrom_ExitsTwoNamingTheValue()
    {
        var result = _dialer.Run("window", "--zone", "America/Chicago", "--from", "2026-03-04T00:00:00Z", "--to", "2026-03-02T00:00:00Z");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--to '2026-03-02T00:00:00Z'", result.Stderr, StringComparison.Ordinal);
    }
}
