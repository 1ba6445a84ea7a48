using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;

namespace Dialer.Benchmarks.Admission;

/// <summary>
/// The suite as a host composes it for the admission benchmarks: in-memory stores, calling windows (TCPA legal
/// hours in the callee's zone), concurrency slots and protection with its defaults (10-minute duplicate window,
/// 3 attempts per number per callee-local day).
/// </summary>
internal sealed class SuiteComposition : IDisposable
{
    /// <summary>A Wednesday, 15:00 in Chicago: inside legal hours.</summary>
    public static readonly Instant Afternoon = Instant.FromUtc(2026, 6, 3, 20, 0);

    /// <summary>The same Wednesday, 03:00 in Chicago: outside legal hours.</summary>
    public static readonly Instant Night = Instant.FromUtc(2026, 6, 3, 8, 0);

    private readonly ServiceProvider _provider;

    public SuiteComposition(int globalMaxCalls = 1_000_000)
    {
        Time = new FakeTimeProvider(Afternoon.ToDateTimeOffset());
        var services = new ServiceCollection().AddSingleton<TimeProvider>(Time);
        services.AddDialer()
            .AddScheduling()
            .AddProtection()
            .AddCampaigns(o => o.Slots.GlobalMaxCalls = globalMaxCalls);
        _provider = services.BuildServiceProvider();
        Admission = _provider.GetRequiredService<IDialAdmission>();
        ProtectionGate = _provider.GetRequiredService<ProtectionGate>();
        SlotGate = _provider.GetServices<AdmissionGate>().OfType<SlotGate>().Single();
        Ledger = _provider.GetRequiredService<IAttemptLedger>();
        Gates = [.. _provider.GetServices<AdmissionGate>()];
    }

    public IReadOnlyList<AdmissionGate> Gates { get; }

    public FakeTimeProvider Time { get; }

    public IDialAdmission Admission { get; }

    public ProtectionGate ProtectionGate { get; }

    public SlotGate SlotGate { get; }

    public IAttemptLedger Ledger { get; }

    /// <summary>Requests for <paramref name="count"/> distinct US numbers with an explicit callee zone.</summary>
    public static DialRequest[] Requests(int count, string prefix = "call")
    {
        var requests = new DialRequest[count];
        for (var i = 0; i < count; i++)
        {
            var phone = PhoneNumber.FromValue(13125550000UL + (ulong)i * 7919UL % 9_000_000_000UL);
            requests[i] = new DialRequest(
                prefix + "-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "lead-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                phone,
                "acme",
                "spring")
            {
                CalleeZoneId = "America/Chicago",
            };
        }

        return requests;
    }

    /// <summary>Admits and then rolls back what the admission took, so the next admission of the request takes the allow path again.</summary>
    public async ValueTask<bool> AdmitAndRollbackAsync(DialRequest request, Instant at)
    {
        var decision = await Admission.AdmitAsync(request, at).ConfigureAwait(false);
        if (decision.IsAllowed)
        {
            await ProtectionGate.RollbackAsync(request).ConfigureAwait(false);
            await SlotGate.RollbackAsync(request).ConfigureAwait(false);
        }

        return decision.IsAllowed;
    }

    public void Dispose() => _provider.Dispose();
}
