using Dialer.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Protection.Tests.Options;

public sealed class ProtectionOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreTheDocumentedOnes()
    {
        var o = new ProtectionOptions();

        Assert.True(o.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(10), o.DuplicateWindow);
        Assert.False(o.AllowDifferentLeadIds);
        Assert.Equal(3, o.MaxDailyAttemptsPerNumber);
        Assert.Null(o.DailyCapZoneId);
        Assert.Equal("America/New_York", o.FallbackZoneId);
        Assert.Empty(o.RollingCaps);
        Assert.Empty(o.DailyCaps);
        Assert.False(o.BlockOnTransferred);
        Assert.True(o.BlockOnSold);
        Assert.True(o.BlockOnNotInterested);
        Assert.True(o.AllowVoicemailRetry);
        Assert.True(o.AllowNoAnswerRetry);
        Assert.Equal(TimeSpan.FromMinutes(30), o.TransferCooldown);
        Assert.Equal(TimeSpan.FromDays(7), o.ConversationCooldown);
        Assert.Equal(TimeSpan.FromHours(72), o.AbandonedCooldown);
        Assert.Equal(LimitScope.Global, o.BlockScope);
        Assert.Empty(o.Dispositions);
        Assert.Equal(TimeSpan.FromMinutes(1), o.StoreRetryDelay);
        Assert.True(new ProtectionOptionsValidator().Validate(null, o).Succeeded);

        var rolling = new RollingCapOptions();
        Assert.Equal((AttemptKeyKind.Number, LimitScope.Global, TimeSpan.Zero, 0), (rolling.Key, rolling.Scope, rolling.Window, rolling.MaxAttempts));
        var daily = new DailyCapOptions();
        Assert.Equal((AttemptKeyKind.Number, LimitScope.Global, 0, (string?)null), (daily.Key, daily.Scope, daily.MaxAttempts, daily.ZoneId));
        var rule = new DispositionRuleOptions();
        Assert.Equal((DispositionAction.None, BlockTarget.Number, (TimeSpan?)null, (LimitScope?)null), (rule.Action, rule.Target, rule.Duration, rule.Scope));
    }

    [Fact]
    public void Validate_InvalidValues_ReportsEveryErrorWithPathAndValue()
    {
        var o = new ProtectionOptions
        {
            DuplicateWindow = TimeSpan.FromMinutes(-1),
            MaxDailyAttemptsPerNumber = -2,
            DailyCapZoneId = "Mars/Base",
            FallbackZoneId = "Nowhere",
            TransferCooldown = TimeSpan.FromMinutes(-1),
            BlockScope = (LimitScope)9,
            StoreRetryDelay = TimeSpan.Zero,
            RollingCaps =
            [
                new RollingCapOptions { Window = TimeSpan.Zero, MaxAttempts = 0 },
                new RollingCapOptions { Key = (AttemptKeyKind)7, Window = TimeSpan.FromHours(1), MaxAttempts = 3 },
            ],
            DailyCaps = [new DailyCapOptions { MaxAttempts = 0, ZoneId = "Bad/Zone" }],
        };
        o.Dispositions["Bad Code!"] = new DispositionRuleOptions { Action = DispositionAction.Cooldown };
        o.Dispositions["sold"] = new DispositionRuleOptions { Action = DispositionAction.DoNotCall, Target = BlockTarget.Lead };

        var result = new ProtectionOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "DuplicateWindow = -00:01:00: must be between 00:00:00 (off) and 3660 days.",
                "MaxDailyAttemptsPerNumber = -2: must be between 0 (off) and 10000.",
                "DailyCapZoneId = 'Mars/Base': is not a known IANA time zone id (e.g. 'America/Chicago').",
                "FallbackZoneId = 'Nowhere': is not a known IANA time zone id (e.g. 'America/Chicago').",
                "TransferCooldown = -00:01:00: must be between 00:00:00 (none) and 3660 days.",
                "BlockScope = 9: is not a defined LimitScope (Global, Client, Campaign).",
                "StoreRetryDelay = 00:00:00: must be positive and at most one day.",
                "RollingCaps:0:Window = 00:00:00: must be positive and at most 3660 days.",
                "RollingCaps:0:MaxAttempts = 0: must be between 1 and 10000.",
                "RollingCaps:1:Key = 7: is not a defined AttemptKeyKind (Number, NumberAndLead, Lead, Subject).",
                "DailyCaps:0:MaxAttempts = 0: must be between 1 and 10000.",
                "DailyCaps:0:ZoneId = 'Bad/Zone': is not a known IANA time zone id (e.g. 'America/Chicago').",
                "Dispositions:Bad Code! = 'Bad Code!': Disposition code 'Bad Code!' may contain only lower-case letters, digits and '_'.",
                "Dispositions:Bad Code!:Duration = null: is required for a cool-down.",
                "Dispositions:sold:Target = 'Lead': must be Number for DoNotCall (the do-not-call list holds numbers).",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_NullCollections_AreReported()
    {
        var o = new ProtectionOptions { RollingCaps = null!, DailyCaps = null!, Dispositions = null!, FallbackZoneId = null! };

        var failures = new ProtectionOptionsValidator().Validate(null, o).Failures;

        Assert.Equal(
            [
                "FallbackZoneId = null: must be an IANA time zone id such as 'America/Chicago'.",
                "RollingCaps = null: must not be null.",
                "DailyCaps = null: must not be null.",
                "Dispositions = null: must not be null.",
            ],
            failures);
    }

    [Fact]
    public void Gate_InvalidOptions_ThrowsWithEveryError()
    {
        var o = new ProtectionOptions { DuplicateWindow = TimeSpan.FromMinutes(-1), MaxDailyAttemptsPerNumber = -1 };

        var ex = Assert.Throws<OptionsValidationException>(() => new ProtectionGate(new InMemoryAttemptLedger(), o));

        Assert.Equal(2, ex.Failures.Count());
    }

    [Fact]
    public void Bind_FromJsonConfiguration_ReadsEveryKind()
    {
        var json = """
        {
          "Protection": {
            "Enabled": true,
            "DuplicateWindow": "00:15:00",
            "AllowDifferentLeadIds": true,
            "MaxDailyAttemptsPerNumber": 2,
            "DailyCapZoneId": "America/Chicago",
            "TransferCooldown": "01:00:00",
            "BlockScope": "Client",
            "RollingCaps": [
              { "Key": "Subject", "Scope": "Global", "Window": "1.00:00:00", "MaxAttempts": 3 },
              { "Key": "Lead", "Scope": "Campaign", "Window": "7.00:00:00", "MaxAttempts": 7 }
            ],
            "DailyCaps": [ { "Key": "Lead", "MaxAttempts": 5, "ZoneId": "Europe/London" } ],
            "Dispositions": {
              "not_interested": { "Action": "Block", "Target": "Lead", "Duration": "90.00:00:00" },
              "appointment_set": { "Action": "Cooldown", "Duration": "2.00:00:00", "Scope": "Campaign" }
            }
          }
        }
        """;
        var config = new ConfigurationBuilder().AddJsonStream(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))).Build();
        var o = new ProtectionOptions();

        config.GetSection("Protection").Bind(o);

        Assert.Equal(TimeSpan.FromMinutes(15), o.DuplicateWindow);
        Assert.True(o.AllowDifferentLeadIds);
        Assert.Equal(2, o.MaxDailyAttemptsPerNumber);
        Assert.Equal("America/Chicago", o.DailyCapZoneId);
        Assert.Equal(TimeSpan.FromHours(1), o.TransferCooldown);
        Assert.Equal(LimitScope.Client, o.BlockScope);
        Assert.Equal(2, o.RollingCaps.Count);
        Assert.Equal((AttemptKeyKind.Lead, LimitScope.Campaign, TimeSpan.FromDays(7), 7), (o.RollingCaps[1].Key, o.RollingCaps[1].Scope, o.RollingCaps[1].Window, o.RollingCaps[1].MaxAttempts));
        Assert.Equal("Europe/London", Assert.Single(o.DailyCaps).ZoneId);
        Assert.Equal(BlockTarget.Lead, o.Dispositions["NOT_INTERESTED"].Target);
        Assert.Equal(LimitScope.Campaign, o.Dispositions["appointment_set"].Scope);
        Assert.True(new ProtectionOptionsValidator().Validate(null, o).Succeeded);

        var gate = new ProtectionGate(new InMemoryAttemptLedger(), o);
        Assert.Equal(
            [ProtectionReasons.DuplicateWindowCode, ProtectionReasons.DailyCapCode, ProtectionReasons.DailyCapCode, ProtectionReasons.RollingCapCode, ProtectionReasons.RollingCapCode],
            gate.Rules.Limits.Select(l => l.Code).ToArray());
        Assert.Equal(AttemptKeyKind.NumberAndLead, gate.Rules.Limits[0].Key);
        Assert.Equal(Duration.FromDays(7), gate.Rules.Horizon);
    }

    [Fact]
    public void Settings_DispositionDefaults_FollowTheSeedFlags()
    {
        var o = new ProtectionOptions { BlockOnTransferred = true, AllowVoicemailRetry = false };
        var handler = new ProtectionOutcomeHandler(new InMemoryAttemptLedger(), o);
        var request = new DialRequest("call-1", "lead-1", PhoneNumber.Parse("+14155550123"));
        var at = Instant.FromUtc(2026, 3, 2, 15, 0);

        var transferred = Assert.Single(handler.BlocksFor(new CallOutcome(request, Disposition.Transferred, at)));
        var machine = Assert.Single(handler.BlocksFor(new CallOutcome(request, Disposition.AnsweringMachine, at)));
        var busy = handler.BlocksFor(new CallOutcome(request, Disposition.Busy, at));

        Assert.Equal((BlockKind.FinalDisposition, (Instant?)null), (transferred.Kind, transferred.Until));
        Assert.Equal((BlockKind.FinalDisposition, (Instant?)null), (machine.Kind, machine.Until));
        Assert.Empty(busy);
    }
}
