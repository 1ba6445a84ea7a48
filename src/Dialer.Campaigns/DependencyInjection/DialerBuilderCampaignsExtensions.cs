using Dialer.Campaigns;
using Dialer.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Dialer;

/// <summary>Registers Dialer.Campaigns: concurrency slots (gate, release handler, lease reclamation), campaign lifecycle and the runner.</summary>
public static class DialerBuilderCampaignsExtensions
{
    /// <summary>
    /// Adds concurrency slots and campaigns. Idempotent. Registers, each only if absent: <see cref="CampaignsOptions"/>
    /// validated at start; the in-memory <see cref="ISlotStore"/> and <see cref="ICampaignStore"/> (a store provider replaces
    /// them); <see cref="SlotManager"/>; <see cref="SlotGate"/> as an <see cref="AdmissionGate"/>;
    /// <see cref="SlotReleaseOutcomeHandler"/> as an <see cref="ICallOutcomeHandler"/>; <see cref="CampaignProgressTracker"/>;
    /// <see cref="CampaignManager"/>; <see cref="CampaignRunner"/> (resolvable once the host registers an
    /// <see cref="ILeadSource"/> and an <see cref="ICallPlacer"/>); and the hosted <see cref="SlotMaintenanceService"/>.
    /// </summary>
    public static IDialerBuilder AddCampaigns(this IDialerBuilder builder, Action<CampaignsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = builder.Services.AddOptions<CampaignsOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return AddCore(builder, options);
    }

    /// <summary>As <see cref="AddCampaigns(IDialerBuilder, Action{CampaignsOptions})"/>, binding the options to <paramref name="section"/> (e.g. <c>configuration.GetSection("Dialer:Campaigns")</c>).</summary>
    public static IDialerBuilder AddCampaigns(this IDialerBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        return AddCore(builder, builder.Services.AddOptions<CampaignsOptions>().BindNamingErrors(section));
    }

    /// <summary>
    /// Adds the hosted <see cref="CampaignRunnerService"/>, which claims and runs Running campaigns. Requires
    /// <see cref="AddCampaigns(IDialerBuilder, Action{CampaignsOptions})"/> and the host's <see cref="ILeadSource"/> and
    /// <see cref="ICallPlacer"/>. Idempotent.
    /// </summary>
    public static IDialerBuilder AddCampaignRunnerService(this IDialerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<CampaignRunnerService>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CampaignRunnerService>(sp => sp.GetRequiredService<CampaignRunnerService>()));
        return builder;
    }

    private static IDialerBuilder AddCore(IDialerBuilder builder, OptionsBuilder<CampaignsOptions> options)
    {
        var services = builder.Services;
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CampaignsOptions>, CampaignsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ISlotStore, InMemorySlotStore>();
        services.TryAddSingleton<ICampaignStore, InMemoryCampaignStore>();
        services.TryAddSingleton(sp => new SlotManager(
            sp.GetRequiredService<ISlotStore>(),
            sp.GetRequiredService<IOptions<CampaignsOptions>>().Value.Slots,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILogger<SlotManager>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<AdmissionGate, SlotGate>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ICallOutcomeHandler, SlotReleaseOutcomeHandler>());
        services.TryAddSingleton(sp => new CampaignProgressTracker(sp.GetRequiredService<IOptions<CampaignsOptions>>().Value.Runner.ProgressWindow));
        services.TryAddSingleton(sp => new CampaignManager(
            sp.GetRequiredService<ICampaignStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<CampaignProgressTracker>()));
        services.TryAddSingleton(sp => new CampaignRunner(
            sp.GetRequiredService<ICampaignStore>(),
            sp.GetRequiredService<ILeadSource>(),
            sp.GetRequiredService<ICallPlacer>(),
            sp.GetRequiredService<IDialAdmission>(),
            sp.GetRequiredService<ICallOutcomeReporter>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<CampaignsOptions>>().Value.Runner,
            sp.GetService<IDueDialQueue>(),
            sp.GetRequiredService<SlotManager>(),
            sp.GetRequiredService<CampaignProgressTracker>(),
            sp.GetService<ILogger<CampaignRunner>>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SlotMaintenanceService>());
        return builder;
    }
}
