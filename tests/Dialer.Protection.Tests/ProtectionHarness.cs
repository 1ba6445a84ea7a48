using Dialer.Core;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Protection.Tests;

/// <summary>The gate and outcome handler over one in-memory ledger, composed as a host would.</summary>
internal sealed class ProtectionHarness
{
    public static readonly Instant T0 = Instant.FromUtc(2026, 3, 2, 15, 0, 0);

    public ProtectionHarness(Action<ProtectionOptions>? configure = null, ICalleeZoneResolver? resolver = null, IAttemptLedger? ledger = null)
    {
        Options = new ProtectionOptions();
        configure?.Invoke(Options);
        Ledger = ledger ?? new InMemoryAttemptLedger();
        Gate = new ProtectionGate(Ledger, Options, calleeZones: resolver);
        Handler = new ProtectionOutcomeHandler(Ledger, Options);
        Admission = new DialAdmission([Gate], TestClock.At(T0));
        Reporter = new CallOutcomeDispatcher([Handler]);
    }

    public ProtectionOptions Options { get; }

    public IAttemptLedger Ledger { get; }

    public ProtectionGate Gate { get; }

    public ProtectionOutcomeHandler Handler { get; }

    public DialAdmission Admission { get; }

    public CallOutcomeDispatcher Reporter { get; }

    public async Task<AdmissionDecision> AdmitAsync(DialRequest request, Instant at) => await Admission.AdmitAsync(request, at);

    public async Task<AdmissionDecision> AdmitAsync(string phone, Instant at, string lead = "lead-1", string? subject = null, string? zone = null, string? client = null, string? campaign = null) =>
        await Admission.AdmitAsync(TestRequests.Create(phone, lead, client, campaign, zone: zone, subject: subject), at);

    public async Task ReportAsync(DialRequest request, Disposition disposition, Instant at) =>
        await Reporter.ReportAsync(new CallOutcome(request, disposition, at));

    /// <summary>Admits (must be allowed) and reports the outcome at <paramref name="endedAt"/>.</summary>
    public async Task<DialRequest> CallAsync(string phone, Instant at, Disposition outcome, Instant? endedAt = null, string lead = "lead-1", string? subject = null)
    {
        var request = TestRequests.Create(phone, lead, subject: subject);
        var decision = await AdmitAsync(request, at);
        Assert.True(decision.IsAllowed, $"expected the call at {at} to be allowed: {decision}");
        await ReportAsync(request, outcome, endedAt ?? at + Duration.FromMinutes(1));
        return request;
    }
}

/// <summary>A fixed callee-zone resolver.</summary>
internal sealed class FixedZoneResolver(string zoneId) : ICalleeZoneResolver
{
    private readonly IReadOnlyList<CalleeZone> _zones = [new CalleeZone(DateTimeZoneProviders.Tzdb[zoneId], CalleeZoneSource.PhonePrefix)];

    public int Calls { get; private set; }

    public IReadOnlyList<CalleeZone> Resolve(DialRequest request)
    {
        Calls++;
        return _zones;
    }
}
