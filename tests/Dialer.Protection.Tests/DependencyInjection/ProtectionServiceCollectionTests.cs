using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Protection.Tests.DependencyInjection;

public sealed class ProtectionServiceCollectionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    [Fact]
    public void AddProtection_RegistersGateHandlerLedgerAndList_Once()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddProtection().AddProtection(o => o.MaxDailyAttemptsPerNumber = 5);
        using var sp = services.BuildServiceProvider();

        var gate = Assert.IsType<ProtectionGate>(Assert.Single(sp.GetServices<AdmissionGate>()));
        Assert.IsType<ProtectionOutcomeHandler>(Assert.Single(sp.GetServices<ICallOutcomeHandler>()));
        Assert.IsType<InMemoryAttemptLedger>(sp.GetRequiredService<IAttemptLedger>());
        Assert.NotNull(sp.GetRequiredService<DoNotCallList>());
        Assert.Same(gate, sp.GetRequiredService<ProtectionGate>());
        Assert.Equal(5, gate.Rules.Limits.Single(l => l.Code == ProtectionReasons.DailyCapCode).MaxCount);
        Assert.Equal(AdmissionGateOrder.Protection, gate.Order);
        Assert.Equal(CallOutcomeHandlerOrder.Protection, sp.GetRequiredService<ProtectionOutcomeHandler>().Order);
    }

    [Fact]
    public void AddProtection_LedgerRegisteredBefore_IsKept()
    {
        var services = new ServiceCollection();
        var ledger = new InMemoryAttemptLedger();
        services.AddSingleton<IAttemptLedger>(ledger);
        services.AddDialer().AddProtection();
        using var sp = services.BuildServiceProvider();

        Assert.Same(ledger, sp.GetRequiredService<IAttemptLedger>());
    }

    [Fact]
    public void AddProtection_InvalidOptions_FailValidationWithEveryError()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddProtection(o => { o.DuplicateWindow = TimeSpan.FromMinutes(-5); o.FallbackZoneId = "Nowhere"; });
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<ProtectionOptions>>().Value);

        Assert.Equal(
            [
                "DuplicateWindow = -00:05:00: must be between 00:00:00 (off) and 3660 days.",
                "FallbackZoneId = 'Nowhere': is not a known IANA time zone id (e.g. 'America/Chicago').",
            ],
            ex.Failures);
    }

    [Fact]
    public void AddProtection_FromConfigurationWithSeedKeys_BindsThem()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["protection:enabled"] = "true",
            ["protection:block_on_transferred"] = "true",
            ["protection:block_on_sold"] = "false",
            ["protection:block_on_not_interested"] = "false",
            ["protection:allow_voicemail_retry"] = "false",
            ["protection:allow_no_answer_retry"] = "false",
            ["protection:duplicate_window_minutes"] = "20",
            ["protection:max_daily_attempts_per_number"] = "4",
            ["protection:allow_different_lead_ids"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddProtection(config.GetSection("protection"));
        using var sp = services.BuildServiceProvider();

        var o = sp.GetRequiredService<IOptions<ProtectionOptions>>().Value;

        Assert.True(o.Enabled);
        Assert.True(o.BlockOnTransferred);
        Assert.False(o.BlockOnSold);
        Assert.False(o.BlockOnNotInterested);
        Assert.False(o.AllowVoicemailRetry);
        Assert.False(o.AllowNoAnswerRetry);
        Assert.Equal(TimeSpan.FromMinutes(20), o.DuplicateWindow);
        Assert.Equal(4, o.MaxDailyAttemptsPerNumber);
        Assert.True(o.AllowDifferentLeadIds);
    }

    [Fact]
    public void AddProtection_FromConfigurationWithBadSeedValues_ReportsThemWithOtherErrors()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["p:block_on_sold"] = "maybe",
            ["p:duplicate_window_minutes"] = "ten",
            ["p:FallbackZoneId"] = "Nowhere",
        }).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddProtection(config.GetSection("p"));
        using var sp = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<ProtectionOptions>>().Value);

        Assert.Equal(
            [
                "block_on_sold = 'maybe': must be true or false.",
                "duplicate_window_minutes = 'ten': must be a whole number from 0 to 5256000.",
                "FallbackZoneId = 'Nowhere': is not a known IANA time zone id (e.g. 'America/Chicago').",
            ],
            ex.Failures);
    }

    [Fact]
    public async Task AddProtection_ComposedAdmission_ProtectsAndRecordsOutcomes()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TestClock.At(T0));
        services.AddDialer().AddProtection();
        await using var sp = services.BuildServiceProvider();
        var admission = sp.GetRequiredService<IDialAdmission>();
        var reporter = sp.GetRequiredService<ICallOutcomeReporter>();
        var first = TestRequests.Create();

        Assert.True((await admission.AdmitAsync(first)).IsAllowed);
        await reporter.ReportAsync(new CallOutcome(first, Disposition.Sold, T0 + Duration.FromMinutes(1)));
        var again = await admission.AdmitAsync(TestRequests.Create(), T0 + Duration.FromDays(2));

        Assert.False(again.IsAllowed);
        Assert.Null(again.NextEligibleAt);
        Assert.Equal("sold", (await sp.GetRequiredService<IAttemptLedger>().GetAttemptAsync(first.CallId))!.Value.OutcomeCode);
    }

    [Fact]
    public async Task AddProtection_WithCalleeZoneResolver_UsesIt()
    {
        var resolver = new FixedZoneResolver("Asia/Tokyo");
        var services = new ServiceCollection();
        services.AddSingleton<ICalleeZoneResolver>(resolver);
        services.AddDialer().AddProtection();
        await using var sp = services.BuildServiceProvider();

        await sp.GetRequiredService<IDialAdmission>().AdmitAsync(TestRequests.Create(), T0);

        Assert.Equal(1, resolver.Calls);
        Assert.Equal("Asia/Tokyo", sp.GetRequiredService<ProtectionGate>().CalleeZoneFor(TestRequests.Create()).Id);
    }

    [Fact]
    public async Task DoNotCallList_FromDi_AddsRemovesAndLists()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TestClock.At(T0));
        services.AddDialer().AddProtection();
        await using var sp = services.BuildServiceProvider();
        var list = sp.GetRequiredService<DoNotCallList>();
        var phone = PhoneNumber.Parse("+14155550123");

        var entry = await list.AddAsync(phone, "complaint", T0 + Duration.FromDays(30), clientId: "acme");

        Assert.Equal((T0, (Instant?)(T0 + Duration.FromDays(30)), "complaint", LimitScope.Client, "acme"), (entry.CreatedAt, entry.Until, entry.Reason, entry.Scope, entry.ScopeId));
        Assert.True(await list.IsBlockedAsync(phone, "acme"));
        Assert.False(await list.IsBlockedAsync(phone, "globex"));
        Assert.Equal([entry], await list.ListAsync());
        Assert.False(await list.RemoveAsync(phone));
        Assert.True(await list.RemoveAsync(phone, "acme"));
        Assert.Empty(await list.ListAsync());
    }
}
