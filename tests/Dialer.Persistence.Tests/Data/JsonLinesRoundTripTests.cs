using System.Text;
using Dialer.Core;
using Dialer.Protection;
using Dialer.Redial;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NodaTime;

namespace Dialer.Persistence.Tests.Data;

public sealed class JsonLinesRoundTripTests
{
    private static readonly Instant At = TestData.T0;

    [Property(MaxTest = 150)]
    public Property WriteThenRead_AnyDataSet_GivesTheSameRows() =>
        Prop.ForAll(TestData.DataSets.ToArbitrary(), data =>
        {
            var bytes = Write(data, new JsonLinesHeader("memory", 4, At));
            var content = JsonLinesReader.ReadAsync(new MemoryStream(bytes)).GetAwaiter().GetResult();
            TestData.AssertSame(data, content.Data);
            Assert.Equal(new JsonLinesHeader("memory", 4, At), content.Header);
        });

    [Property(MaxTest = 60)]
    public Property ExportThenImport_AnyDataSet_MovesEveryRowToAnotherStore() =>
        Prop.ForAll(TestData.DataSets.ToArbitrary(), data =>
        {
            var source = new MemoryStoreData(data);
            var file = new MemoryStream();
            var written = StoreDataTransfer.ExportAsync(source, file, StoreDataFilter.All, TestClock(At)).GetAwaiter().GetResult();
            Assert.Equal(data.Counts, written);
            file.Position = 0;
            var target = new MemoryStoreData();
            var imported = StoreDataTransfer.ImportAsync(target, file, StoreImportMode.Merge).GetAwaiter().GetResult();
            Assert.Equal(data.Counts, imported);
            TestData.AssertSame(data, target.Snapshot());
        });

    [Fact]
    public async Task Write_Sample_UsesTheDocumentedFieldsAndNames()
    {
        var text = Encoding.UTF8.GetString(Write(TestData.Sample(At), new JsonLinesHeader("sqlite", 3, At)));
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("""{"type":"header","format":"dialer-data","version":1,"provider":"sqlite","schemaVersion":3,"exportedAt":"2025-03-09T12:00:00Z"}""", lines[0]);
        Assert.Equal("""{"type":"attempt","attemptId":"att-1","phone":"+14155550123","leadId":"lead-1","clientId":"acme","campaignId":"spring","recordedAt":"2025-03-09T09:00:00Z","outcomeCode":"no_answer","outcomeCategory":"retryable","outcomeAt":"2025-03-09T09:00:30Z"}""", lines[1]);
        Assert.Equal("""{"type":"attempt","attemptId":"att-2","phone":"+14155550199","leadId":"lead-2","clientId":"acme","campaignId":"spring","subjectKey":"debt-7","recordedAt":"2025-03-09T11:00:00Z"}""", lines[2]);
        Assert.Equal("""{"type":"block","id":"dnc:0::+14155550123","kind":"do_not_call","target":"number","phone":"+14155550123","scope":"global","createdAt":"2025-03-07T12:00:00Z","reason":"callee asked"}""", lines[3]);
        Assert.Equal("""{"type":"block","id":"outcome:1:0:att-1","kind":"cooldown","target":"number","phone":"+14155550123","scope":"client","scopeId":"acme","createdAt":"2025-03-09T09:00:00Z","until":"2025-03-10T12:00:00Z","reason":"conversation","sourceAttemptId":"att-1"}""", lines[4]);
        Assert.Equal("""{"type":"redial","callId":"call-9","leadId":"lead-9","phone":"+14155550123","clientId":"acme","campaignId":"spring","kind":"redial","attempt":2,"dueAt":"2025-03-09T13:00:00Z","flags":["leave_voicemail"],"reason":"no_answer","state":"pending","enqueuedAt":"2025-03-09T09:00:00Z","updatedAt":"2025-03-09T09:00:00Z","claimCount":0}""", lines[5]);
        Assert.Equal("""{"type":"answering_machine","phone":"+14155550123","consecutiveMachines":1,"totalMachines":2,"totalOutcomes":3,"lastOutcomeAt":"2025-03-09T09:00:00Z"}""", lines[6]);
        Assert.Equal("""{"type":"campaign","id":"spring","clientId":"acme","name":"Spring","state":"running","epoch":2,"ownerId":"host-a","heartbeatAt":"2025-03-09T12:00:00Z","cursor":10,"processed":10,"totalLeads":100,"outcomeCounts":{"no_answer":7,"sold":3},"placementErrors":0,"consecutivePlacementErrors":0,"createdAt":"2025-03-08T12:00:00Z","updatedAt":"2025-03-09T12:00:00Z","startedAt":"2025-03-08T12:00:00Z"}""", lines[7]);
        Assert.Equal("""{"type":"daily_statistics","date":"2025-03-09","clientId":"acme","campaignId":"spring","requests":12,"admitted":10,"denied":2,"deniedByReason":{"protection.duplicate_window":2},"outcomes":{"no_answer":7,"sold":3}}""", lines[8]);
        Assert.Equal(9, lines.Length);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        await Task.CompletedTask;
    }

    [Fact]
    public void Write_ClaimedRedialItem_IsWrittenPendingWithoutItsClaim()
    {
        var request = new DialRequest("c1", "l1", PhoneNumber.Parse("+14155550123"));
        var claimed = new RedialItem(new RedialEntry(request, DueDialKind.Callback, 1, At), RedialItemState.Claimed, At, At, "token-1", At + Duration.FromMinutes(5), 1);
        var text = Encoding.UTF8.GetString(Write(new StoreDataSet { RedialItems = [claimed] }, new JsonLinesHeader("memory", null, At)));
        Assert.Contains("\"state\":\"pending\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("token-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("schemaVersion", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_NullOptionalFields_AreAcceptedAsMissing()
    {
        var file = """
            {"type":"header","format":"dialer-data","version":1,"provider":"x","schemaVersion":null,"exportedAt":"2025-03-09T12:00:00Z","futureField":1}
            {"type":"attempt","attemptId":"a1","phone":"+14155550123","leadId":"l1","clientId":"c","campaignId":"k","subjectKey":null,"recordedAt":"2025-03-09T12:00:00.123456789Z","outcomeCode":null,"outcomeCategory":null}
            """;
        var content = await JsonLinesReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)));
        Assert.Null(content.Header.SchemaVersion);
        var attempt = Assert.Single(content.Data.Attempts);
        Assert.Equal(new AttemptEntry("a1", PhoneNumber.Parse("+14155550123"), "l1", "c", "k", null, At + Duration.FromNanoseconds(123_456_789)), attempt);
    }

    [Fact]
    public void Write_RecordBeforeHeader_Throws()
    {
        var writer = new JsonLinesWriter(new MemoryStream());
        var ex = Assert.Throws<InvalidOperationException>(() => writer.WriteAsync(TestData.Sample(At).Attempts[0]).AsTask().GetAwaiter().GetResult());
        Assert.Equal("Write the header first: it is the first line of a dialer-data file.", ex.Message);
    }

    internal static byte[] Write(StoreDataSet data, JsonLinesHeader header)
    {
        var stream = new MemoryStream();
        var writer = new JsonLinesWriter(stream);
        writer.WriteHeaderAsync(header).AsTask().GetAwaiter().GetResult();
        foreach (var a in data.Attempts)
        {
            writer.WriteAsync(a).AsTask().GetAwaiter().GetResult();
        }

        foreach (var b in data.Blocks)
        {
            writer.WriteAsync(b).AsTask().GetAwaiter().GetResult();
        }

        foreach (var r in data.RedialItems)
        {
            writer.WriteAsync(r).AsTask().GetAwaiter().GetResult();
        }

        foreach (var s in data.AnsweringMachineStats)
        {
            writer.WriteAsync(s).AsTask().GetAwaiter().GetResult();
        }

        foreach (var c in data.Campaigns)
        {
            writer.WriteAsync(c).AsTask().GetAwaiter().GetResult();
        }

        foreach (var d in data.DailyStatistics)
        {
            writer.WriteAsync(d).AsTask().GetAwaiter().GetResult();
        }

        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Assert.Equal(data.Counts, writer.Counts);
        return stream.ToArray();
    }

    private static Microsoft.Extensions.Time.Testing.FakeTimeProvider TestClock(Instant at) => Dialer.Testing.TestClock.At(at);
}
