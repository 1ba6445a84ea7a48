using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Dialer.Redial.Tests.Policy;

public sealed class RedialOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var o = new RedialOptions();

        Assert.True(o.Enabled);
        Assert.Equal(6, o.MaxAttemptsPerLead);
        Assert.Equal(8, o.MaxAttemptsPerNumber);
        Assert.Empty(o.Delays);
        Assert.Equal([TimeSpan.FromMinutes(15), TimeSpan.FromHours(1), TimeSpan.FromHours(4), TimeSpan.FromDays(1)], RedialOptions.DefaultDelays);
        Assert.Equal(TimeSpan.Zero, o.MaxJitter);
        Assert.Null(o.JitterSeed);
        Assert.False(o.RotateDayparts);
        Assert.Equal("09:00", o.Dayparts.MorningStart);
        Assert.Equal("12:00", o.Dayparts.AfternoonStart);
        Assert.Equal("17:00", o.Dayparts.EveningStart);
        Assert.Equal("20:00", o.Dayparts.EveningEnd);
        Assert.Equal("America/New_York", o.FallbackZoneId);
        Assert.True(o.CallbacksEnabled);
        Assert.Equal(TimeSpan.FromHours(1), o.CallbackDelay);
        Assert.Equal(TimeSpan.FromMinutes(5), o.ClaimTtl);
        Assert.True(o.AnsweringMachine.Enabled);
        Assert.Equal(3, o.AnsweringMachine.Threshold);
        Assert.Equal(0, o.AnsweringMachine.TotalThreshold);
        Assert.Equal(AnsweringMachineAction.LeaveVoicemail, o.AnsweringMachine.Action);
        Assert.Empty(o.AnsweringMachine.AdditionalMachineCodes);
        Assert.Empty(o.Dispositions);
        Assert.True(new RedialOptionsValidator().Validate(null, o).Succeeded);
    }

    [Fact]
    public void Validate_InvalidValues_ReportsEveryProblemWithPathAndValue()
    {
        var o = new RedialOptions
        {
            MaxAttemptsPerLead = 0,
            MaxAttemptsPerNumber = 1001,
            Delays = [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(-1), TimeSpan.Zero],
            MaxJitter = TimeSpan.FromDays(2),
            FallbackZoneId = "Mars/Olympus",
            CallbackDelay = TimeSpan.FromSeconds(-1),
            ClaimTtl = TimeSpan.Zero,
            Dayparts = new DaypartOptions { MorningStart = "9am", AfternoonStart = "12:00", EveningStart = "11:00", EveningEnd = "20:00" },
            AnsweringMachine = new AnsweringMachineOptions
            {
                Threshold = 0,
                TotalThreshold = -1,
                Action = (AnsweringMachineAction)9,
                AdditionalMachineCodes = ["Voicemail"],
            },
            Dispositions =
            {
                ["unknown_outcome"] = new RedialRuleOptions { Action = RedialAction.Redial },
                ["no_answer"] = new RedialRuleOptions
                {
                    Action = (RedialAction)7,
                    Delays = [TimeSpan.Zero],
                    MaxAttemptsPerLead = 0,
                    MaxAttemptsPerNumber = 0,
                    MaxJitter = TimeSpan.FromSeconds(-1),
                },
                ["BUSY"] = new RedialRuleOptions(),
            },
        };

        var result = new RedialOptionsValidator().Validate(null, o);

        Assert.True(result.Failed);
        Assert.Equal(
            [
                "MaxAttemptsPerLead = 0: must be between 1 and 1000.",
                "MaxAttemptsPerNumber = 1001: must be between 1 and 1000.",
                "Delays:1 = -00:01:00: must be positive and at most 365 days.",
                "Delays:2 = 00:00:00: must be positive and at most 365 days.",
                "MaxJitter = 2.00:00:00: must be between 00:00:00 and 1 day.",
                "FallbackZoneId = 'Mars/Olympus': is not a known IANA time zone id (e.g. 'America/New_York').",
                "CallbackDelay = -00:00:01: must be between 00:00:00 and 365 days.",
                "ClaimTtl = 00:00:00: must be positive and at most 1 day.",
                "Dayparts:MorningStart = '9am': is not a time of day in HH:mm form (e.g. '09:00').",
                "Dayparts:EveningStart = '11:00': must be later than AfternoonStart.",
                "AnsweringMachine:Threshold = 0: must be between 1 and 1000.",
                "AnsweringMachine:TotalThreshold = -1: must be between 0 (off) and 1000.",
                "AnsweringMachine:Action = 9: is not a defined AnsweringMachineAction (Stop, LeaveVoicemail, ChangeDaypart).",
                "AnsweringMachine:AdditionalMachineCodes:0 = 'Voicemail': is not a disposition code (lower-case letters, digits and '_', 1 to 64 characters).",
                "Dispositions:BUSY = 'BUSY': is not a disposition code (lower-case letters, digits and '_', 1 to 64 characters).",
                "Dispositions:no_answer:Action = 7: is not a defined RedialAction (Redial, Stop, Terminal).",
                "Dispositions:no_answer:Delays:0 = 00:00:00: must be positive and at most 365 days.",
                "Dispositions:no_answer:MaxAttemptsPerLead = 0: must be between 1 and 1000.",
                "Dispositions:no_answer:MaxAttemptsPerNumber = 0: must be between 1 and 1000.",
                "Dispositions:no_answer:MaxJitter = -00:00:01: must be between 00:00:00 and 1 day.",
                "Dispositions:unknown_outcome:Action = 'Redial': an unknown outcome is never redialed automatically.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_NullCollections_ReportsEachOne()
    {
        var o = new RedialOptions { Delays = null!, Dayparts = null!, AnsweringMachine = null!, Dispositions = null!, FallbackZoneId = null! };

        var result = new RedialOptionsValidator().Validate(null, o);

        Assert.Equal(
            [
                "Delays = null: must not be null (leave it empty for the defaults).",
                "FallbackZoneId = null: is not a known IANA time zone id (e.g. 'America/New_York').",
                "Dayparts = null: must not be null.",
                "AnsweringMachine = null: must not be null.",
                "Dispositions = null: must not be null.",
            ],
            result.Failures);
    }

    [Fact]
    public void Validate_TooManyDelays_IsReported()
    {
        var o = new RedialOptions { Delays = [.. Enumerable.Repeat(TimeSpan.FromMinutes(1), 101)] };

        var result = new RedialOptionsValidator().Validate(null, o);

        Assert.Equal(["Delays = 101: has too many entries; at most 100."], result.Failures);
    }

    [Fact]
    public void RedialPolicy_InvalidOptions_ThrowsWithEveryProblem()
    {
        var o = new RedialOptions { MaxAttemptsPerLead = 0, ClaimTtl = TimeSpan.Zero };

        var ex = Assert.Throws<OptionsValidationException>(() => new RedialPolicy(o));

        Assert.Equal(
            ["MaxAttemptsPerLead = 0: must be between 1 and 1000.", "ClaimTtl = 00:00:00: must be positive and at most 1 day."],
            ex.Failures);
        Assert.Equal(typeof(RedialOptions), ex.OptionsType);
    }

    [Fact]
    public void RedialPolicy_OptionsChangedAfterConstruction_AreNotSeen()
    {
        var o = new RedialOptions();
        var policy = new RedialPolicy(o);

        o.Delays.Add(TimeSpan.FromDays(3));
        o.Dispositions["no_answer"] = new RedialRuleOptions { Action = RedialAction.Stop };

        var decision = policy.Decide(RedialTestData.Outcome(Dialer.Core.Disposition.NoAnswer), RedialTestData.Stats());
        Assert.Equal(RedialTestData.T0 + NodaTime.Duration.FromMinutes(15), decision.DueAt);
    }

    [Fact]
    public void Bind_FromJson_SetsEveryKindOfField()
    {
        const string Json = """
            {
              "Redial": {
                "Enabled": false,
                "MaxAttemptsPerLead": 4,
                "Delays": [ "00:10:00", "02:00:00" ],
                "MaxJitter": "00:05:00",
                "JitterSeed": 99,
                "RotateDayparts": true,
                "Dayparts": { "MorningStart": "08:30" },
                "FallbackZoneId": "America/Chicago",
                "ClaimTtl": "00:02:00",
                "AnsweringMachine": { "Threshold": 2, "Action": "ChangeDaypart", "AdditionalMachineCodes": [ "vm_greeting" ] },
                "Dispositions": {
                  "busy": { "Delays": [ "00:05:00" ], "MaxAttemptsPerLead": 3 },
                  "failed": { "Action": "Terminal" }
                }
              }
            }
            """;
        var configuration = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json))).Build();

        var o = configuration.GetSection("Redial").Get<RedialOptions>()!;

        Assert.False(o.Enabled);
        Assert.Equal(4, o.MaxAttemptsPerLead);
        Assert.Equal([TimeSpan.FromMinutes(10), TimeSpan.FromHours(2)], o.Delays);
        Assert.Equal(TimeSpan.FromMinutes(5), o.MaxJitter);
        Assert.Equal(99, o.JitterSeed);
        Assert.True(o.RotateDayparts);
        Assert.Equal("08:30", o.Dayparts.MorningStart);
        Assert.Equal("12:00", o.Dayparts.AfternoonStart);
        Assert.Equal("America/Chicago", o.FallbackZoneId);
        Assert.Equal(TimeSpan.FromMinutes(2), o.ClaimTtl);
        Assert.Equal(2, o.AnsweringMachine.Threshold);
        Assert.Equal(AnsweringMachineAction.ChangeDaypart, o.AnsweringMachine.Action);
        Assert.Equal(["vm_greeting"], o.AnsweringMachine.AdditionalMachineCodes);
        Assert.Equal([TimeSpan.FromMinutes(5)], o.Dispositions["busy"].Delays);
        Assert.Equal(3, o.Dispositions["busy"].MaxAttemptsPerLead);
        Assert.Null(o.Dispositions["busy"].Action);
        Assert.Equal(RedialAction.Terminal, o.Dispositions["failed"].Action);
        Assert.True(new RedialOptionsValidator().Validate(null, o).Succeeded);
    }
}
