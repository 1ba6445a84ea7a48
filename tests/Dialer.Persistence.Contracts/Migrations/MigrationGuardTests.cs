namespace Dialer.Persistence.Contracts.Migrations;

public sealed class MigrationGuardTests
{
    [Theory]
    [InlineData("DROP TABLE attempts;", "DROP TABLE")]
    [InlineData("alter table attempts rename column at to happened_at;", "rename column")]
    [InlineData("ALTER TABLE attempts RENAME TO old_attempts;", "RENAME TO")]
    [InlineData("ALTER TABLE attempts ALTER COLUMN at TYPE text;", "ALTER COLUMN at TYPE")]
    [InlineData("ALTER TABLE a ALTER COLUMN b SET DATA TYPE bigint;", "ALTER COLUMN b SET DATA TYPE")]
    [InlineData("ALTER TABLE attempts DROP COLUMN lead_id;", "DROP COLUMN")]
    [InlineData("TRUNCATE attempts;", "TRUNCATE")]
    [InlineData("DELETE FROM attempts;", "DELETE FROM")]
    public void FindNonAdditiveStatements_DestructiveScript_IsFound(string script, string expected)
    {
        var found = MigrationGuard.FindNonAdditiveStatements(script);

        Assert.Contains(found, f => f.Equals(expected, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void FindNonAdditiveStatements_AdditiveScript_IsEmpty()
    {
        const string script = """
            -- DROP TABLE in a comment is fine
            CREATE TABLE IF NOT EXISTS attempts (id text PRIMARY KEY, at bigint NOT NULL);
            /* RENAME in a block comment is fine too */
            CREATE INDEX IF NOT EXISTS ix_attempts_at ON attempts (at);
            ALTER TABLE attempts ADD COLUMN IF NOT EXISTS subject_key text;
            """;

        Assert.Empty(MigrationGuard.FindNonAdditiveStatements(script));
    }

    [Fact]
    public void EnsureValid_GapOrDestructiveStep_ListsEveryProblem()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MigrationGuard.EnsureValid(
        [
            new SchemaMigration(1, "base", "CREATE TABLE IF NOT EXISTS t (a int);"),
            new SchemaMigration(3, "oops", "DROP TABLE t;"),
        ]));

        Assert.Equal(
            "migrations[1] (oops) has version 3; expected 2 (versions run 1..n without gaps)." + Environment.NewLine +
            "migration v3 (oops) is not additive: 'DROP TABLE'.",
            ex.Message);
    }
}
