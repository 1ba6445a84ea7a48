using Dialer.Campaigns.Tests.Support;
using Dialer.Core;
using Dialer.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Dialer.Campaigns.Tests.DependencyInjection;

public sealed class DependencyInjectionTests
{
    private static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0);

    [Fact]
    public async Task AddCampaigns_RegistersInMemoryStoresGateHandlerAndServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TestClock.At(T0));
        services.AddDialer().AddCampaigns(o => o.Slots.DefaultCampaignMaxCalls = 1);
        await using var sp = services.BuildServiceProvider();

        Assert.IsType<InMemorySlotStore>(sp.GetRequiredService<ISlotStore>());
        Assert.IsType<InMemoryCampaignStore>(sp.GetRequiredService<ICampaignStore>());
        Assert.Single(sp.GetServices<AdmissionGate>().OfType<SlotGate>());
        Assert.Single(sp.GetServices<ICallOutcomeHandler>().OfType<SlotReleaseOutcomeHandler>());
        Assert.Single(sp.GetServices<IHostedService>().OfType<SlotMaintenanceService>());
        Assert.NotNull(sp.GetRequiredService<CampaignManager>());
        Assert.NotNull(sp.GetRequiredService<CampaignProgressTracker>());

        // The composite admission now takes slots, and reporting the outcome releases them.
        var admission = sp.GetRequiredService<IDialAdmission>();
        var request = TestRequests.Create(clientId: "acme", campaignId: "spring");
        Assert.True((await admission.AdmitAsync(request)).IsAllowed);
        Assert.Equal("slots.full", (await admission.AdmitAsync(TestRequests.Create(clientId: "acme", campaignId: "spring"))).Reasons[0].Code);
        await sp.GetRequiredService<ICallOutcomeReporter>().ReportAsync(new CallOutcome(request, Disposition.Busy, T0));
        Assert.True((await admission.AdmitAsync(TestRequests.Create(clientId: "acme", campaignId: "spring"))).IsAllowed);
    }

    [Fact]
    public void AddCampaigns_Twice_RegistersEverythingOnce()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddCampaigns().AddCampaigns(o => o.Slots.GlobalMaxCalls = 7);
        Assert.Single(services, d => d.ServiceType == typeof(ISlotStore));
        Assert.Single(services, d => d.ServiceType == typeof(ICampaignStore));
        Assert.Single(services, d => d.ServiceType == typeof(SlotManager));
        Assert.Single(services, d => d.ServiceType == typeof(AdmissionGate) && d.ImplementationType == typeof(SlotGate));
        Assert.Single(services, d => d.ServiceType == typeof(ICallOutcomeHandler) && d.ImplementationType == typeof(SlotReleaseOutcomeHandler));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<CampaignsOptions>));
        using var sp = services.BuildServiceProvider();
        Assert.Equal(7, sp.GetRequiredService<IOptions<CampaignsOptions>>().Value.Slots.GlobalMaxCalls);
    }

    [Fact]
    public void AddCampaigns_StoresRegisteredFirst_AreKept()
    {
        var services = new ServiceCollection();
        var slotStore = new InMemorySlotStore();
        var campaignStore = new InMemoryCampaignStore();
        services.AddSingleton<ISlotStore>(slotStore);
        services.AddSingleton<ICampaignStore>(campaignStore);
        services.AddDialer().AddCampaigns();
        using var sp = services.BuildServiceProvider();
        Assert.Same(slotStore, sp.GetRequiredService<ISlotStore>());
        Assert.Same(campaignStore, sp.GetRequiredService<ICampaignStore>());
        Assert.Same(slotStore, sp.GetRequiredService<SlotManager>().Store);
    }

    [Fact]
    public void AddCampaigns_FromConfiguration_BindsNestedOptions()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Campaigns:Slots:GlobalMaxCalls"] = "40",
            ["Dialer:Campaigns:Slots:Clients:acme:MaxConcurrentCalls"] = "12",
            ["Dialer:Campaigns:Slots:Keys:trunk-a"] = "3",
            ["Dialer:Campaigns:Slots:MaxWait"] = "00:00:05",
            ["Dialer:Campaigns:Runner:OwnerId"] = "host-7",
            ["Dialer:Campaigns:Runner:PlacementErrorBudget"] = "2",
        }).Build();
        var services = new ServiceCollection();
        services.AddDialer().AddCampaigns(config.GetSection("Dialer:Campaigns"));
        using var sp = services.BuildServiceProvider();
        var o = sp.GetRequiredService<IOptions<CampaignsOptions>>().Value;
        Assert.Equal(40, o.Slots.GlobalMaxCalls);
        Assert.Equal(12, o.Slots.Clients["acme"].MaxConcurrentCalls);
        Assert.Equal(3, o.Slots.Keys["trunk-a"]);
        Assert.Equal(TimeSpan.FromSeconds(5), o.Slots.MaxWait);
        Assert.Equal("host-7", o.Runner.OwnerId);
        Assert.Equal(2, o.Runner.PlacementErrorBudget);
        Assert.Equal([new(SlotScope.Global, 40), new(SlotScope.Client("acme"), 12)], sp.GetRequiredService<SlotManager>().ScopesFor("acme", "spring"));
    }

    [Fact]
    public void AddCampaigns_InvalidOptions_FailOnFirstUseWithEveryError()
    {
        var services = new ServiceCollection();
        services.AddDialer().AddCampaigns(o =>
        {
            o.Slots.GlobalMaxCalls = -1;
            o.Runner.LeadBatchSize = 0;
        });
        using var sp = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<CampaignsOptions>>().Value);
        Assert.Equal(["Slots:GlobalMaxCalls = -1: must be at least 1.", "Runner:LeadBatchSize = 0: must be between 1 and 10000."], ex.Failures);
    }

    [Fact]
    public void AddCampaignRunnerService_WithHostLeadsAndPlacer_ResolvesTheRunnerAndTheHostedService()
    {
        var services = new ServiceCollection();
        var time = TestClock.At(T0);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<ILeadSource>(new FakeLeadSource(3));
        services.AddSingleton<ICallPlacer>(new FakePlacer(time));
        services.AddDialer().AddCampaigns(o => o.Runner.OwnerId = "host-1").AddCampaignRunnerService().AddCampaignRunnerService();
        using var sp = services.BuildServiceProvider();
        Assert.Equal("host-1", sp.GetRequiredService<CampaignRunner>().OwnerId);
        Assert.Single(sp.GetServices<IHostedService>().OfType<CampaignRunnerService>());
    }
}
