using Dialer.Core;
using Dialer.Protection;
using Dialer.Testing;
using NodaTime;

namespace Dialer.Persistence.Tests.Privacy;

/// <summary>Export and erasure of one number on a real (SQLite) store.</summary>
public sealed class PrivacyRequestsTests : IDisposable
{
    private static readonly Instant Now = TestData.T0;
    private static readonly PhoneNumber Subject = PhoneNumber.Parse("+14155550123");
    private static readonly PhoneNumber Other = PhoneNumber.Parse("+14155550199");
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ExportNumber_WritesEveryRowForTheNumberAndNothingElse()
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(TestData.Sample(Now, Subject), StoreImportMode.Replace);
        var file = new MemoryStream();

        var counts = await PrivacyRequests.ExportNumberAsync(store.Data, Subject, file, TestClock.At(Now));

        Assert.Equal(new StoreDataCounts(1, 2, 1, 1, 0, 0), counts);
        file.Position = 0;
        var data = (await JsonLinesReader.ReadAsync(file)).Data;
        Assert.All(data.Attempts, a => Assert.Equal(Subject, a.Phone));
        Assert.All(data.Blocks, b => Assert.Equal(Subject, b.Phone));
        Assert.Equal(Subject, Assert.Single(data.RedialItems).Request.Phone);
        Assert.Equal(Subject, Assert.Single(data.AnsweringMachineStats).Phone);
        Assert.Empty(data.Campaigns);
        Assert.Empty(data.DailyStatistics);
    }

    [Fact]
    public async Task EraseNumber_DeletesTheNumbersRows_KeepsItsDoNotCallEntryAndOtherNumbers()
    {
        var store = _dir.OpenSqlite();
        await store.Data.ImportAsync(TestData.Sample(Now, Subject), StoreImportMode.Replace);

        var deleted = await PrivacyRequests.EraseNumberAsync(store.Data, Subject);

        Assert.Equal(new StoreDataCounts(1, 1, 1, 1, 0, 0), deleted);
        var file = new MemoryStream();
        await PrivacyRequests.ExportNumberAsync(store.Data, Subject, file, TestClock.At(Now));
        file.Position = 0;
        var left = (await JsonLinesReader.ReadAsync(file)).Data;
        Assert.Equal(BlockKind.DoNotCall, Assert.Single(left.Blocks).Kind);
        Assert.Equal(1, left.Counts.Total);
        var all = await Backup.StoreBackupTests.ReadAllAsync(store.Data);
        Assert.Equal(Other, Assert.Single(all.Attempts).Phone);
        Assert.Single(all.Campaigns);
        Assert.Single(all.DailyStatistics);
    }

    [Fact]
    public async Task Requests_DefaultNumber_AreRejected()
    {
        var store = new MemoryStoreData();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => PrivacyRequests.EraseNumberAsync(store, default));
        Assert.Equal("phone is default(PhoneNumber). (Parameter 'phone')", ex.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => PrivacyRequests.ExportNumberAsync(store, default, new MemoryStream()));
    }
}
