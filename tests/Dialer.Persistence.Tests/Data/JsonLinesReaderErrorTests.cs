using System.Text;

namespace Dialer.Persistence.Tests.Data;

public sealed class JsonLinesReaderErrorTests
{
    private const string Header = """{"type":"header","format":"dialer-data","version":1,"provider":"sqlite","schemaVersion":3,"exportedAt":"2025-03-09T12:00:00Z"}""";
    private const string Attempt = """{"type":"attempt","attemptId":"a1","phone":"+14155550123","leadId":"l1","clientId":"c","campaignId":"k","recordedAt":"2025-03-09T12:00:00Z"}""";
    private const string Block = """{"type":"block","id":"b1","kind":"cooldown","target":"number","phone":"+14155550123","scope":"global","createdAt":"2025-03-09T12:00:00Z"}""";
    private const string Redial = """{"type":"redial","callId":"c1","leadId":"l1","phone":"+14155550123","clientId":"c","campaignId":"k","kind":"redial","attempt":1,"dueAt":"2025-03-09T12:00:00Z","state":"pending","enqueuedAt":"2025-03-09T12:00:00Z","updatedAt":"2025-03-09T12:00:00Z"}""";
    private const string Machine = """{"type":"answering_machine","phone":"+14155550123","consecutiveMachines":1,"totalMachines":2,"totalOutcomes":3}""";
    private const string Stats = """{"type":"daily_statistics","date":"2025-03-09","clientId":"c","campaignId":"k","requests":1,"admitted":1,"denied":0}""";
    private const string Campaign = """{"type":"campaign","id":"k","clientId":"c","name":"K","state":"draft","epoch":0,"cursor":0,"processed":0,"placementErrors":0,"consecutivePlacementErrors":0,"createdAt":"2025-03-09T12:00:00Z","updatedAt":"2025-03-09T12:00:00Z"}""";

    public static TheoryData<string, string> SingleErrors => new()
    {
        { Attempt, """line 1, field type = "attempt": the first line must be the header ({"type":"header","format":"dialer-data","version":1,…})""" },
        { "", """line 1, field type = (missing): the file is empty; a dialer-data file starts with a header line {"type":"header","format":"dialer-data",…}""" },
        { Header.Replace("\"version\":1", "\"version\":2"), "line 1, field version = 2: the file was written by a newer version of the format; this reader reads up to version 1" },
        { Header.Replace("\"version\":1", "\"version\":0"), "line 1, field version = 0: must be between 1 and 2147483647" },
        { Header.Replace("dialer-data", "other"), "line 1, field format = \"other\": expected \"dialer-data\"" },
        { Header.Replace("2025-03-09T12:00:00Z", "yesterday"), "line 1, field exportedAt = \"yesterday\": an ISO-8601 UTC instant is expected (e.g. 2025-03-09T14:00:00Z)" },
        { Header + "\n" + Attempt.Replace("\"attempt\"", "\"call\""), "line 2, field type = \"call\": unknown record type; expected one of attempt, block, redial, answering_machine, campaign, daily_statistics" },
        { Header + "\n" + Attempt.Replace("\"type\":\"attempt\",", ""), "line 2, field type = (missing): required" },
        { Header + "\n" + Header, "line 2, field type = \"header\": a header is allowed on line 1 only" },
        { Header + "\n[1,2]", "line 2, field (line) = [1,2]: a JSON object is expected" },
        { Header + "\n\n" + Attempt, "line 2, field (line) = (blank): a blank line; every line is one JSON object" },
        { Header + "\n" + Attempt.Replace("2025-03-09T12:00:00Z", "2025-03-09 12:00"), "line 2, field recordedAt = \"2025-03-09 12:00\": an ISO-8601 UTC instant is expected (e.g. 2025-03-09T14:00:00Z)" },
        { Header + "\n" + Attempt.Replace("2025-03-09T12:00:00Z", "2025-03-09T12:00:00+01:00"), "line 2, field recordedAt = \"2025-03-09T12:00:00+01:00\": an ISO-8601 UTC instant is expected (e.g. 2025-03-09T14:00:00Z)" },
        { Header + "\n" + Attempt.Replace("\"attemptId\":\"a1\",", ""), "line 2, field attemptId = (missing): required" },
        { Header + "\n" + Attempt.Replace("\"l1\"", "null"), "line 2, field leadId = null: required" },
        { Header + "\n" + Attempt.Replace("\"c\"", "42"), "line 2, field clientId = 42: a string is expected" },
        { Header + "\n" + Attempt.Replace("\"k\"", "\"\""), "line 2, field campaignId = \"\": must not be empty" },
        { Header + "\n" + Attempt.Replace("}", ",\"outcomeCode\":\"sold\",\"outcomeAt\":\"2025-03-09T12:01:00Z\"}"), "line 2, field outcomeCategory = (missing): outcomeCode and outcomeCategory are given together or not at all" },
        { Header + "\n" + Attempt.Replace("}", ",\"outcomeCode\":\"sold\",\"outcomeCategory\":\"final\"}"), "line 2, field outcomeAt = (missing): an outcome has its instant: outcomeAt is given with outcomeCode and only then" },
        { Header + "\n" + Attempt.Replace("}", ",\"outcomeAt\":\"2025-03-09T12:01:00Z\"}"), "line 2, field outcomeAt = \"2025-03-09T12:01:00Z\": an outcome has its instant: outcomeAt is given with outcomeCode and only then" },
        { Header + "\n" + Attempt.Replace("}", ",\"outcomeCode\":\"Sold Out\",\"outcomeCategory\":\"final\",\"outcomeAt\":\"2025-03-09T12:01:00Z\"}"), "line 2, field outcomeCode = \"Sold Out\": Disposition code 'Sold Out' may contain only lower-case letters, digits and '_'." },
        { Header + "\n" + Block.Replace("}", ",\"until\":\"2025-03-09T11:00:00Z\"}"), "line 2, field until = \"2025-03-09T11:00:00Z\": earlier than createdAt 2025-03-09T12:00:00Z" },
        { Header + "\n" + Attempt.Replace("}", ",\"outcomeCode\":\"sold\",\"outcomeCategory\":\"FINAL\",\"outcomeAt\":\"2025-03-09T12:01:00Z\"}"), "line 2, field outcomeCategory = \"FINAL\": unknown value; expected one of unknown, retryable, conversation, final" },
        { Header + "\n" + Attempt + "\n" + Attempt, "line 3, field attemptId = \"a1\": duplicate: another attempt line has the same id" },
        { Header + "\n" + Block.Replace("\"cooldown\"", "\"FinalDisposition\""), "line 2, field kind = \"FinalDisposition\": unknown value; expected one of final_disposition, cooldown, do_not_call" },
        { Header + "\n" + Block.Replace("\"cooldown\"", "0"), "line 2, field kind = 0: a string is expected" },
        { Header + "\n" + Block.Replace("\"global\"", "\"client\""), "line 2, field scopeId = (missing): a client or campaign block needs a scopeId" },
        { Header + "\n" + Block.Replace("\"global\"", "\"global\",\"scopeId\":\"acme\""), "line 2, field scopeId = \"acme\": a global block has no scopeId" },
        { Header + "\n" + Block.Replace("\"phone\":\"+14155550123\",", ""), "line 2, field phone = (missing): a number block needs a phone number" },
        { Header + "\n" + Block.Replace("\"number\"", "\"lead\"").Replace("\"phone\":\"+14155550123\",", ""), "line 2, field leadId = (missing): a lead block needs a lead id" },
        { Header + "\n" + Redial.Replace("\"state\":\"pending\"", "\"state\":\"claimed\""), "line 2, field state = \"claimed\": unknown value; expected one of pending, completed, cancelled" },
        { Header + "\n" + Redial.Replace("\"attempt\":1", "\"attempt\":0"), "line 2, field attempt = 0: must be between 1 and 2147483647" },
        { Header + "\n" + Redial.Replace("\"attempt\":1", "\"attempt\":1.5"), "line 2, field attempt = 1.5: a whole number is expected" },
        { Header + "\n" + Redial.Replace("}", ",\"flags\":[\"loud\"]}"), "line 2, field flags = \"loud\": unknown flag; expected one of leave_voicemail" },
        { Header + "\n" + Redial.Replace("}", ",\"flags\":\"leave_voicemail\"}"), "line 2, field flags = \"leave_voicemail\": an array of flag names is expected (leave_voicemail)" },
        { Header + "\n" + Redial.Replace("}", ",\"isCallback\":\"yes\"}"), "line 2, field isCallback = \"yes\": true or false is expected" },
        { Header + "\n" + Redial.Replace("\"c1\"", "\" \""), "line 2, field callId = \" \": callId must not be empty or whitespace; got ' '." },
        { Header + "\n" + Redial + "\n" + Redial.Replace("\"c1\"", "\"c2\""), "line 3, field leadId = \"l1\": duplicate: another redial line has the same lead (the queue holds one item per lead)" },
        { Header + "\n" + Machine.Replace("\"consecutiveMachines\":1", "\"consecutiveMachines\":3"), "line 2, field consecutiveMachines = 3: more than totalMachines" },
        { Header + "\n" + Machine.Replace("\"totalOutcomes\":3", "\"totalOutcomes\":1"), "line 2, field totalMachines = 2: more than totalOutcomes" },
        { Header + "\n" + Machine.Replace("\"totalOutcomes\":3", "\"totalOutcomes\":-3"), "line 2, field totalOutcomes = -3: must be between 0 and 2147483647" },
        { Header + "\n" + Stats.Replace("\"requests\":1", "\"requests\":-1"), "line 2, field requests = -1: must be between 0 and 9223372036854775807" },
        { Header + "\n" + Stats.Replace("2025-03-09", "2025-3-9"), "line 2, field date = \"2025-3-9\": a date yyyy-MM-dd is expected" },
        { Header + "\n" + Stats.Replace("}", ",\"outcomes\":{\"sold\":\"3\"}}"), "line 2, field outcomes.sold = \"3\": a whole number of at least 0 is expected" },
        { Header + "\n" + Stats.Replace("}", ",\"outcomes\":[1]}"), "line 2, field outcomes = [1]: an object of counts ({\"code\": 3, …}) is expected" },
        { Header + "\n" + Stats + "\n" + Stats, "line 3, field date = \"2025-03-09\": duplicate: another daily_statistics line has the same date, clientId and campaignId" },
        { Header + "\n" + Campaign.Replace("\"draft\"", "\"Draft\""), "line 2, field state = \"Draft\": unknown value; expected one of draft, running, paused, completed, cancelled, failed" },
        { Header + "\n" + Campaign.Replace("\"epoch\":0", "\"epoch\":-1"), "line 2, field epoch = -1: must be between 0 and 9223372036854775807" },
        { Header + "\n" + Campaign + "\n" + Campaign, "line 3, field id = \"k\": duplicate: another campaign line has the same id" },
    };

    [Theory]
    [MemberData(nameof(SingleErrors))]
    public async Task Read_InvalidLine_ReportsLineFieldValueAndProblem(string file, string expected)
    {
        var ex = await Assert.ThrowsAsync<JsonLinesFormatException>(() => Read(file));
        Assert.Equal([expected], ex.Errors);
        Assert.Equal("The dialer-data file is not valid:" + Environment.NewLine + expected, ex.Message);
    }

    [Fact]
    public async Task Read_BadPhone_SaysWhyInThePhoneParsersWords()
    {
        var ex = await Assert.ThrowsAsync<JsonLinesFormatException>(() => Read(Header + "\n" + Attempt.Replace("+14155550123", "4155550123")));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("line 2, field phone = \"4155550123\": not an E.164 number (", error, StringComparison.Ordinal);
        Assert.Contains("+", error[error.IndexOf('(', StringComparison.Ordinal)..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_BrokenJson_ReportsTheLineAndTheParserMessage()
    {
        var ex = await Assert.ThrowsAsync<JsonLinesFormatException>(() => Read(Header + "\n" + Attempt[..40]));
        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("line 2, field (line) = " + Attempt[..40] + ": not valid JSON (", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_SeveralBadLines_ReportsEveryProblemInLineOrder()
    {
        var file = string.Join("\n", Header, Attempt.Replace("\"l1\"", "1").Replace("\"c\"", "2"), Attempt.Replace("\"a1\"", "\"a2\""), Block.Replace("\"cooldown\"", "\"x\""));
        var ex = await Assert.ThrowsAsync<JsonLinesFormatException>(() => Read(file));
        Assert.Equal(
            [
                "line 2, field leadId = 1: a string is expected",
                "line 2, field clientId = 2: a string is expected",
                "line 4, field kind = \"x\": unknown value; expected one of final_disposition, cooldown, do_not_call",
            ],
            ex.Errors);
    }

    [Fact]
    public async Task Read_ManyBadLines_ListsTheFirstHundredAndCountsTheRest()
    {
        var lines = new List<string> { Header };
        for (var i = 0; i < 150; i++)
        {
            lines.Add("{\"type\":\"nope\"}");
        }

        var ex = await Assert.ThrowsAsync<JsonLinesFormatException>(() => Read(string.Join("\n", lines)));
        Assert.Equal(101, ex.Errors.Count);
        Assert.Equal("line 101, field type = \"nope\": unknown record type; expected one of attempt, block, redial, answering_machine, campaign, daily_statistics", ex.Errors[99]);
        Assert.Equal("(only the first 100 problems are listed; 150 line(s) have problems)", ex.Errors[100]);
    }

    [Fact]
    public async Task Import_FileWithOneBadLine_WritesNothing()
    {
        var store = new MemoryStoreData(TestData.Sample(TestData.T0));
        var before = store.Snapshot();
        var file = string.Join("\n", Header, Attempt.Replace("\"a1\"", "\"new-1\""), Attempt.Replace("\"a1\"", "\"new-2\"").Replace("+14155550123", "+1"));
        await Assert.ThrowsAsync<JsonLinesFormatException>(() => StoreDataTransfer.ImportAsync(store, new MemoryStream(Encoding.UTF8.GetBytes(file)), StoreImportMode.Merge));
        TestData.AssertSame(before, store.Snapshot());
    }

    [Fact]
    public async Task Read_TrailingNewline_IsAccepted()
    {
        var content = await JsonLinesReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(Header + "\n" + Attempt + "\n")));
        Assert.Single(content.Data.Attempts);
    }

    private static Task<JsonLinesContent> Read(string file) => JsonLinesReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)));
}
