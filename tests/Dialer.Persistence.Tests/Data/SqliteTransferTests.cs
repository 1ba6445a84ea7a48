using Dialer.Testing;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dialer.Persistence.Tests.Data;

/// <summary>Export and import through the real SQLite store: what a move between providers does.</summary>
public sealed class SqliteTransferTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Property(MaxTest = 25)]
    public Property ExportImportExport_AnyDataSet_ReproducesTheRowsAndTheBytes()
    {
        var source = _dir.OpenSqlite("source.db");
        var target = _dir.OpenSqlite("target.db");
        var clock = TestClock.At(TestData.T0);
        return Prop.ForAll(TestData.DataSets.ToArbitrary(), data =>
        {
            source.Data.ImportAsync(data, StoreImportMode.Replace).AsTask().GetAwaiter().GetResult();
            var first = new MemoryStream();
            StoreDataTransfer.ExportAsync(source.Data, source, first, StoreDataFilter.All, clock).GetAwaiter().GetResult();
            first.Position = 0;
            var read = JsonLinesReader.ReadAsync(first).GetAwaiter().GetResult();
            TestData.AssertSame(data, read.Data);
            Assert.Equal(source.CurrentSchemaVersion, read.Header.SchemaVersion);

            first.Position = 0;
            var written = StoreDataTransfer.ImportAsync(target.Data, first, StoreImportMode.Replace).GetAwaiter().GetResult();
            Assert.Equal(data.Counts, written);
            var second = new MemoryStream();
            StoreDataTransfer.ExportAsync(target.Data, target, second, StoreDataFilter.All, clock).GetAwaiter().GetResult();
            Assert.Equal(first.ToArray(), second.ToArray());
        });
    }

    [Fact]
    public async Task Import_SameFileTwiceWithMerge_SecondTimeWritesNothing()
    {
        var source = _dir.OpenSqlite("source.db");
        await source.Data.ImportAsync(TestData.Sample(TestData.T0), StoreImportMode.Replace);
        var file = new MemoryStream();
        await StoreDataTransfer.ExportAsync(source.Data, file, StoreDataFilter.All, TestClock.At(TestData.T0));
        var target = _dir.OpenSqlite("target.db");

        file.Position = 0;
        Assert.Equal(TestData.Sample(TestData.T0).Counts, await StoreDataTransfer.ImportAsync(target.Data, file, StoreImportMode.Merge));
        file.Position = 0;
        Assert.Equal(default, await StoreDataTransfer.ImportAsync(target.Data, file, StoreImportMode.Merge));
        TestData.AssertSame(TestData.Sample(TestData.T0), await Backup.StoreBackupTests.ReadAllAsync(target.Data));
    }
}
