namespace Dialer.Reliability.BadInput;

/// <summary>How one fuzzed input ended: loaded, rejected with a clear message, or a violation.</summary>
internal enum InputOutcome
{
    Loaded,
    Rejected,
    Violation,
}

/// <summary>Counts outcomes and keeps the first violations (with the case that replays them).</summary>
internal sealed class FuzzTally(string family, int seed)
{
    public int Loaded { get; private set; }
    public int Rejected { get; private set; }
    public List<string> Violations { get; } = [];

    public int Cases => Loaded + Rejected + Violations.Count;

    public void Add(InputOutcome outcome, int caseIndex, string input, string? detail)
    {
        switch (outcome)
        {
            case InputOutcome.Loaded: Loaded++; break;
            case InputOutcome.Rejected: Rejected++; break;
            default: Violations.Add($"case {caseIndex}: {detail} <- input: {Trim(input)}"); break;
        }
    }

    public string Summary =>
        $"{family}: seed {seed}; {Cases} cases: {Loaded} loaded, {Rejected} rejected with a clear error, violations: {Violations.Count}";

    private static string Trim(string s) => s.Length > 300 ? s[..300] + "…" : s;
}
