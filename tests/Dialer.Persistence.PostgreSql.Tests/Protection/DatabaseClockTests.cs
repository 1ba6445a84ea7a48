using Dialer.Core;
using Dialer.Protection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Npgsql;

namespace Dialer.Persistence.PostgreSql.Tests.Protection;

/// <summary>The database clock is authoritative: hosts whose clocks are wrong by an hour either way cannot double dial.</summary>
public sealed class DatabaseClockTests
{
    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];

    [Fact]
    public async Task HostsSkewedByPlusAndMinusOneHour_CannotDoubleDial()
    {
        var schema = PgStores.NewSchema();
        var dbNow = await DatabaseNowAsync();
        var skews = new[] { Duration.Zero, Duration.FromHours(1), Duration.FromHours(-1) };
        var ledgers = skews.Select(s => (Skew: s, Ledger: PgStores.Create(schema, time: new FakeTimeProvider((dbNow + s).ToDateTimeOffset())).AttemptLedger)).ToArray();
        var phone = PhoneNumber.FromValue(14155580000UL + (ulong)Random.Shared.Next(1, 9999));
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10)), CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 1)]);

        // Each host asks at its own (wrong) "now": an hour apart, far outside the 10-minute window if the store believed them.
        var results = await Task.WhenAll(ledgers.Select(h => Task.Run(async () =>
            await h.Ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest(Guid.NewGuid().ToString("N"), "lead", phone), dbNow + h.Skew, Chicago), rules))));

        var recorded = Assert.Single(results, r => r.Status == LedgerStatus.Recorded);
        Assert.All(results.Where(r => r.Status != LedgerStatus.Recorded), r => Assert.Equal(LedgerStatus.Denied, r.Status));
        Assert.InRange(recorded.RecordedAt!.Value, dbNow - Duration.FromMinutes(1), dbNow + Duration.FromMinutes(1));
        Assert.Single(await ledgers[0].Ledger.GetHistoryAsync(phone, dbNow - Duration.FromDays(1)));
    }

    [Fact]
    public async Task SameSkewedHosts_TrustingTheirOwnClocks_WouldDoubleDial()
    {
        // The contrast that shows the test above can fail: with the host clock authoritative, the hosts an hour apart
        // are both admitted for the same number.
        var schema = PgStores.NewSchema();
        var dbNow = await DatabaseNowAsync();
        var ledger = PgStores.Create(schema, o => o.UseDatabaseClock = false).AttemptLedger;
        var phone = PhoneNumber.FromValue(14155590000UL + (ulong)Random.Shared.Next(1, 9999));
        var rules = new ProtectionRules([CountLimit.DuplicateWindow(Duration.FromMinutes(10))]);

        var early = await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("b-" + Guid.NewGuid(), "lead", phone), dbNow - Duration.FromHours(1), Chicago), rules);
        var late = await ledger.TryRecordAttemptAsync(new AttemptContext(new DialRequest("a-" + Guid.NewGuid(), "lead", phone), dbNow + Duration.FromHours(1), Chicago), rules);

        Assert.Equal(LedgerStatus.Recorded, late.Status);
        Assert.Equal(LedgerStatus.Recorded, early.Status);
    }

    [Fact]
    public async Task HostClockBeyondMaxClockSkew_WithACalendarDayCap_FailsClosed()
    {
        var dbNow = await DatabaseNowAsync();
        var ledger = PgStores.Create(configure: o => o.MaxClockSkew = TimeSpan.FromHours(1), time: new FakeTimeProvider((dbNow + Duration.FromDays(5)).ToDateTimeOffset())).AttemptLedger;
        var rules = new ProtectionRules([CountLimit.CalendarDay(AttemptKeyKind.Number, LimitScope.Global, 2)]);
        var request = new DialRequest("c-" + Guid.NewGuid(), "lead", PhoneNumber.Parse("+14155550111"));

        var ex = await Assert.ThrowsAsync<PostgresException>(async () => await ledger.TryRecordAttemptAsync(new AttemptContext(request, dbNow, Chicago), rules));

        Assert.Equal("DL001", ex.SqlState);
        Assert.Null(await ledger.GetAttemptAsync(request.CallId));
    }

    internal static async Task<Instant> DatabaseNowAsync()
    {
        var ticks = await PgStores.ScalarAsync<long>("SELECT (extract(epoch FROM clock_timestamp()) * 10000000)::bigint");
        return Instant.FromUnixTimeTicks(ticks);
    }
}
