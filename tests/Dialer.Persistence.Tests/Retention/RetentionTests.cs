using Dialer.Core;
using Dialer.Protection;
using Dialer.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Persistence.Tests.Retention;

public sealed class RetentionTests
{
    private static readonly Instant Now = TestData.T0;

    [Fact]
    public void Options_Defaults_AreTheDocumentedConstants()
    {
        var o = new RetentionOptions();
        Assert.Equal(TimeSpan.FromDays(90), o.Attempts);
        Assert.Equal(TimeSpan.FromDays(30), o.ExpiredBlocks);
        Assert.Equal(TimeSpan.FromDays(30), o.FinishedRedialItems);
        Assert.Equal(TimeSpan.FromDays(90), o.AnsweringMachineStats);
        Assert.Equal(TimeSpan.FromDays(365), o.EndedCampaigns);
        Assert.Equal(TimeSpan.FromDays(400), o.DailyStatistics);
        Assert.True(o.RunInBackground);
        Assert.Equal(TimeSpan.FromHours(24), o.RunInterval);
        Assert.True(new RetentionOptionsValidator(Duration.FromDays(2)).Validate(null, o).Succeeded);
    }

    [Fact]
    public void Validator_InvalidValues_ReportsEveryProblemWithPathAndValue()
    {
        var o = new RetentionOptions
        {
            Attempts = TimeSpan.FromHours(36),
            ExpiredBlocks = TimeSpan.FromDays(-1),
            FinishedRedialItems = TimeSpan.FromDays(40_000),
            AnsweringMachineStats = TimeSpan.FromDays(-2),
            EndedCampaigns = TimeSpan.FromDays(36_601),
            DailyStatistics = TimeSpan.FromHours(36),
            RunInterval = TimeSpan.FromSeconds(30),
        };
        var result = new RetentionOptionsValidator(Duration.FromDays(2)).Validate(null, o);
        Assert.Equal(
            [
                "Attempts = 1.12:00:00: must be between 2.00:00:00 (the longest protection rule horizon, at least one day: attempts inside it still decide admissions) and 36600 days, or null to keep attempts forever.",
                "ExpiredBlocks = -1.00:00:00: must be between 00:00:00 and 36600 days, or null to keep forever.",
                "FinishedRedialItems = 40000.00:00:00: must be between 00:00:00 and 36600 days, or null to keep forever.",
                "AnsweringMachineStats = -2.00:00:00: must be between 00:00:00 and 36600 days, or null to keep forever.",
                "EndedCampaigns = 36601.00:00:00: must be between 00:00:00 and 36600 days, or null to keep forever.",
                "DailyStatistics = 1.12:00:00: must be whole days between 1 and 36600 days, or null to keep daily statistics forever.",
                "RunInterval = 00:00:30: must be between 00:01:00 and 7 days.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validator_ShortHorizon_StillKeepsAttemptsAtLeastTheLedgersOneDay()
    {
        var validator = new RetentionOptionsValidator(Duration.FromMinutes(10));
        Assert.Equal(InMemoryAttemptLedger.DefaultMinimumRetention, validator.MinimumAttemptRetention);
        var result = validator.Validate(null, new RetentionOptions { Attempts = TimeSpan.FromHours(12) });
        Assert.Equal(["Attempts = 12:00:00: must be between 1.00:00:00 (the longest protection rule horizon, at least one day: attempts inside it still decide admissions) and 36600 days, or null to keep attempts forever."], result.Failures);
    }

    [Fact]
    public void Policy_InvalidOptions_ThrowsWithEveryProblem()
    {
        var ex = Assert.Throws<OptionsValidationException>(() => new RetentionPolicy(new RetentionOptions { Attempts = TimeSpan.FromDays(1), RunInterval = TimeSpan.Zero }, Duration.FromDays(3)));
        Assert.Equal(2, ex.Failures.Count());
        Assert.StartsWith("Attempts = 1.00:00:00: must be between 3.00:00:00", ex.Failures.First(), StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeCutoffs_Defaults_SubtractEachRetentionFromNow()
    {
        var policy = new RetentionPolicy(new RetentionOptions(), Duration.FromDays(2));
        var cutoffs = policy.ComputeCutoffs(Now);
        Assert.Equal(
            new RetentionCutoffs(
                Instant.FromUtc(2024, 12, 9, 12, 0),
                Instant.FromUtc(2025, 2, 7, 12, 0),
                Instant.FromUtc(2025, 2, 7, 12, 0),
                Instant.FromUtc(2024, 12, 9, 12, 0),
                Instant.FromUtc(2024, 3, 9, 12, 0),
                new LocalDate(2024, 2, 3)),
            cutoffs);
    }

    [Fact]
    public void ComputeCutoffs_NullRetention_KeepsThatTypeForever()
    {
        var policy = new RetentionPolicy(new RetentionOptions { Attempts = null, ExpiredBlocks = null, FinishedRedialItems = null, AnsweringMachineStats = null, EndedCampaigns = null, DailyStatistics = null }, Duration.FromDays(2));
        Assert.Equal(default, policy.ComputeCutoffs(Now));
    }

    [Property(MaxTest = 300)]
    public Property ComputeCutoffs_AnyValidRetention_NeverCutsInsideTheHorizon() =>
        Prop.ForAll(
            (from horizonMinutes in Gen.Choose(0, 60 * 24 * 400)
             from extraMinutes in Gen.Choose(0, 60 * 24 * 400)
             from seconds in Gen.Choose(-2_000_000_000, 2_000_000_000)
             select (horizonMinutes, extraMinutes, seconds)).ToArbitrary(),
            t =>
            {
                var horizon = Duration.FromMinutes(t.horizonMinutes);
                var minimum = RetentionPolicy.MinimumAttemptRetentionFor(horizon);
                var attempts = minimum.ToTimeSpan() + TimeSpan.FromMinutes(t.extraMinutes);
                var now = Now + Duration.FromSeconds(t.seconds);
                var cutoff = new RetentionPolicy(new RetentionOptions { Attempts = attempts }, horizon).ComputeCutoffs(now).AttemptsRecordedBefore!.Value;
                Assert.True(cutoff <= now - horizon, $"cutoff {cutoff} is inside the horizon {horizon} before {now}");
                Assert.True(cutoff <= now - Duration.FromDays(1));
                Assert.Equal(now - Duration.FromTimeSpan(attempts), cutoff);
            });

    [Fact]
    public void MinimumAttemptRetentionFor_TheDefaultProtectionRules_IsTheirCalendarDayHorizon()
    {
        // Default protection: a 10-minute duplicate window and a calendar-day cap (which reads two days back).
        var gate = new ProtectionGate(new InMemoryAttemptLedger(), new ProtectionOptions());
        Assert.Equal(Duration.FromDays(2), gate.Rules.Horizon);
        Assert.Equal(Duration.FromDays(2), RetentionPolicy.MinimumAttemptRetentionFor(gate.Rules.Horizon));
        Assert.Throws<ArgumentOutOfRangeException>(() => RetentionPolicy.MinimumAttemptRetentionFor(Duration.FromSeconds(-1)));
    }

    [Fact]
    public async Task RunAsync_PurgesWhatIsOlderThanEachCutoff_AndKeepsTheRest()
    {
        var clock = TestClock.At(Now);
        var phone = PhoneNumber.Parse("+14155550123");
        var store = new MemoryStoreData(new StoreDataSet
        {
            Attempts =
            [
                new AttemptEntry("old", phone, "l", "c", "k", null, Now - Duration.FromDays(91)),
                new AttemptEntry("kept", phone, "l", "c", "k", null, Now - Duration.FromDays(89)),
            ],
            Blocks =
            [
                ProtectionBlock.DoNotCall(phone, "forever", Now - Duration.FromDays(1000)),
                ProtectionBlock.DoNotCall(phone, "expired long ago", Now - Duration.FromDays(100), Now - Duration.FromDays(31), LimitScope.Client, "c"),
            ],
        });
        var service = new RetentionService(store, new RetentionPolicy(new RetentionOptions(), Duration.FromDays(2)), clock);
        var deleted = await service.RunAsync();
        Assert.Equal(new StoreDataCounts(1, 1, 0, 0, 0, 0), deleted);
        var left = store.Snapshot();
        Assert.Equal("kept", Assert.Single(left.Attempts).AttemptId);
        Assert.Equal("forever", Assert.Single(left.Blocks).Reason);
    }
}
