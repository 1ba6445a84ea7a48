using System.Text.Json.Nodes;

namespace Dialer.Samples.Console.Hosting;

/// <summary>The configuration a first run writes: valid, readable, and close to what a US outbound dialer starts with.</summary>
internal static class DefaultConfiguration
{
    public const string DefaultScheduleName = "default";

    public static JsonObject Create() => new()
    {
        ["Scheduling"] = new JsonObject
        {
            ["DefaultSchedule"] = DefaultScheduleName,
            ["Schedules"] = new JsonObject
            {
                [DefaultScheduleName] = new JsonObject
                {
                    ["TimeZone"] = "America/New_York",
                    ["Schedule"] = new JsonObject
                    {
                        ["Days"] = new JsonArray("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"),
                        ["StartTime"] = "09:00",
                        ["EndTime"] = "21:00",
                    },
                    ["BlackoutDates"] = new JsonArray(),
                    ["BlackoutCalendars"] = new JsonArray(),
                },
            },
            ["LegalHours"] = new JsonObject
            {
                ["Enabled"] = true,
                ["StartTime"] = "08:00",
                ["EndTime"] = "21:00",
            },
            ["Jurisdictions"] = new JsonObject { ["UseBuiltInUsRules"] = true },
        },
        ["Protection"] = new JsonObject
        {
            ["Enabled"] = true,
            ["DuplicateWindow"] = "00:10:00",
            ["MaxDailyAttemptsPerNumber"] = 3,
            ["RollingCaps"] = new JsonArray(new JsonObject { ["Key"] = "Number", ["Window"] = "7.00:00:00", ["MaxAttempts"] = 7 }),
            ["BlockOnSold"] = true,
            ["BlockOnNotInterested"] = true,
            ["TransferCooldown"] = "00:30:00",
            ["ConversationCooldown"] = "7.00:00:00",
        },
        ["Redial"] = new JsonObject
        {
            ["Enabled"] = true,
            ["MaxAttemptsPerLead"] = 6,
            ["MaxAttemptsPerNumber"] = 8,
            ["Delays"] = new JsonArray("00:15:00", "01:00:00", "04:00:00", "1.00:00:00"),
        },
        ["Campaigns"] = new JsonObject
        {
            ["Slots"] = new JsonObject
            {
                ["GlobalMaxCalls"] = 100,
                ["LeaseTtl"] = "00:10:00",
            },
        },
    };
}
