using System.Text.RegularExpressions;

namespace Dialer.Persistence;

/// <summary>
/// Enforces that migrations are additive only: versions run 1, 2, 3 … without gaps, and no script drops, renames,
/// retypes, truncates or deletes anything. Providers call <see cref="EnsureValid"/> on their migration list at
/// start-up, and their tests call it too, so a non-additive migration fails the build's tests.
/// </summary>
public static partial class MigrationGuard
{
    /// <summary>The statements in <paramref name="script"/> that are not additive (empty when it is additive).</summary>
    public static IReadOnlyList<string> FindNonAdditiveStatements(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        var withoutComments = LineComment().Replace(BlockComment().Replace(script, " "), " ");
        var found = new List<string>();
        foreach (Match m in Forbidden().Matches(withoutComments))
        {
            found.Add(Whitespace().Replace(m.Value.Trim(), " "));
        }

        return found;
    }

    /// <summary>Checks a provider's migration list.</summary>
    /// <exception cref="InvalidOperationException">Versions are not 1..n without gaps, or a script is not additive; the message lists every problem.</exception>
    public static void EnsureValid(IReadOnlyList<SchemaMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var problems = new List<string>();
        for (var i = 0; i < migrations.Count; i++)
        {
            var m = migrations[i];
            if (m.Version != i + 1)
            {
                problems.Add($"migrations[{i}] ({m.Name}) has version {m.Version}; expected {i + 1} (versions run 1..n without gaps).");
            }

            foreach (var statement in FindNonAdditiveStatements(m.Script))
            {
                problems.Add($"migration v{m.Version} ({m.Name}) is not additive: '{statement}'.");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }
    }

    [GeneratedRegex(@"\b(DROP\s+\w+|RENAME\s+\w*|ALTER\s+COLUMN\s+[^;]*?\bTYPE\b|ALTER\s+COLUMN\s+[^;]*?\bSET\s+DATA\s+TYPE|TRUNCATE\b|DELETE\s+FROM\b)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Forbidden();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex BlockComment();

    [GeneratedRegex(@"--[^\n]*")]
    private static partial Regex LineComment();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
