using System.Globalization;
using System.Text;
using Dialer.Campaigns;
using Dialer.Core;
using Dialer.Samples.Console.Hosting;

namespace Dialer.Samples.Console.Simulation;

/// <summary>
/// Leads as CSV (<c>lead_id,phone,region,zone</c>; region and zone optional). Phone numbers are parsed once, here,
/// at import; the campaign then carries the E.164 value. Also generates seeded leads spread over US states and zones.
/// </summary>
internal static class LeadFile
{
    public const string Header = "lead_id,phone,region,zone";

    // State, an area code in it, and the state's (main) zone: east to west, with the odd ones (Arizona, Hawaii, Alaska).
    private static readonly (string Region, int AreaCode, string Zone, int Weight)[] s_states =
    [
        ("NY", 212, "America/New_York", 9), ("FL", 305, "America/New_York", 9), ("GA", 404, "America/New_York", 5),
        ("PA", 215, "America/New_York", 5), ("OH", 614, "America/New_York", 5), ("MA", 617, "America/New_York", 3),
        ("NC", 704, "America/New_York", 4), ("VA", 804, "America/New_York", 3), ("MI", 313, "America/Detroit", 4),
        ("IL", 312, "America/Chicago", 6), ("TX", 214, "America/Chicago", 10), ("MS", 601, "America/Chicago", 2),
        ("MN", 612, "America/Chicago", 2), ("TN", 615, "America/Chicago", 3), ("OK", 405, "America/Chicago", 2),
        ("CO", 303, "America/Denver", 3), ("UT", 801, "America/Denver", 2), ("AZ", 602, "America/Phoenix", 3),
        ("CA", 213, "America/Los_Angeles", 12), ("WA", 206, "America/Los_Angeles", 3), ("OR", 503, "America/Los_Angeles", 2),
        ("NV", 702, "America/Los_Angeles", 2), ("AK", 907, "America/Anchorage", 1), ("HI", 808, "Pacific/Honolulu", 1),
    ];

    public static List<CampaignLead> Generate(int count, int seed)
    {
        var random = new Random(seed);
        var total = s_states.Sum(s => s.Weight);
        var leads = new List<CampaignLead>(count);
        var seen = new HashSet<ulong>();
        for (var i = 0; i < count; i++)
        {
            var pick = random.Next(total);
            var state = s_states[0];
            foreach (var s in s_states)
            {
                if (pick < s.Weight)
                {
                    state = s;
                    break;
                }

                pick -= s.Weight;
            }

            PhoneNumber phone;
            do
            {
                // NXX-XXXX with an exchange of 200–999: a valid North American number in the state's area code.
                var digits = (1UL * 10_000_000_000UL) + ((ulong)state.AreaCode * 10_000_000UL) + ((ulong)random.Next(200, 1000) * 10_000UL) + (ulong)random.Next(10_000);
                phone = PhoneNumber.FromValue(digits);
            }
            while (!seen.Add(phone.Value));

            leads.Add(new CampaignLead($"L{i + 1:D6}", phone) { RegionCode = state.Region, CalleeZoneId = state.Zone });
        }

        return leads;
    }

    public static void Write(string path, IReadOnlyList<CampaignLead> leads)
    {
        var temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)))
        {
            writer.WriteLine(Header);
            foreach (var lead in leads)
            {
                writer.Write(lead.LeadId);
                writer.Write(',');
                writer.Write(lead.Phone.ToString());
                writer.Write(',');
                writer.Write(lead.RegionCode);
                writer.Write(',');
                writer.WriteLine(lead.CalleeZoneId);
            }
        }

        File.Move(temp, path, overwrite: true);
    }

    public static List<CampaignLead> Read(string option, string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"{option} '{path}' does not exist.");
        }

        var leads = new List<CampaignLead>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        using var reader = new StreamReader(path, Encoding.UTF8);
        var lineNumber = 0;
        string? line;
        int idCol = 0, phoneCol = 1, regionCol = -1, zoneCol = -1, postalCol = -1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            if (lineNumber == 1 && cells[0].Trim().Equals("lead_id", StringComparison.OrdinalIgnoreCase))
            {
                var names = cells.Select(c => c.Trim().ToLowerInvariant()).ToList();
                idCol = names.IndexOf("lead_id");
                phoneCol = names.IndexOf("phone");
                regionCol = names.IndexOf("region");
                zoneCol = names.IndexOf("zone");
                postalCol = names.IndexOf("postal");
                if (phoneCol < 0)
                {
                    throw new UsageException($"{option} '{path}': the header has no 'phone' column (expected {Header}).");
                }

                continue;
            }

            string Cell(int col) => col >= 0 && col < cells.Length ? cells[col].Trim() : string.Empty;
            var id = Cell(idCol);
            var phoneText = Cell(phoneCol);
            if (id.Length == 0)
            {
                throw new UsageException($"{option} '{path}' line {lineNumber}: the lead id is empty.");
            }

            if (!ids.Add(id))
            {
                throw new UsageException($"{option} '{path}' line {lineNumber}: lead id '{id}' appears twice.");
            }

            if (!PhoneNumber.TryParse(phoneText.AsSpan(), out var phone, out var error))
            {
                throw new UsageException($"{option} '{path}' line {lineNumber}: phone '{phoneText}' is not E.164: {error}");
            }

            var zone = Cell(zoneCol);
            if (zone.Length > 0 && NodaTime.DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            {
                throw new UsageException($"{option} '{path}' line {lineNumber}: zone '{zone}' is not an IANA time zone.");
            }

            leads.Add(new CampaignLead(id, phone)
            {
                RegionCode = NullIfEmpty(Cell(regionCol)),
                CalleeZoneId = NullIfEmpty(zone),
                PostalCode = NullIfEmpty(Cell(postalCol)),
            });
        }

        if (leads.Count == 0)
        {
            throw new UsageException($"{option} '{path}' holds no leads.");
        }

        return leads;
    }

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}
