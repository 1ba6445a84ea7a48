namespace Dialer.Persistence.Sqlite;

/// <summary>
/// The SQLite schema as additive, idempotent migrations (checked by <see cref="MigrationGuard"/>). Version n is the
/// n-th entry; each applied version is a row of <c>schema_version</c>. Instants are UTC unix ticks (100 ns) in
/// INTEGER columns, phone numbers their E.164 digits as INTEGER, enums their numeric value.
/// </summary>
public static class SqliteSchema
{
    /// <summary>The table that records applied versions (created before any migration runs).</summary>
    internal const string VersionTableScript = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version     INTEGER PRIMARY KEY NOT NULL,
            name        TEXT    NOT NULL,
            applied_at  INTEGER NOT NULL
        );
        """;

    private const string Ledger = """
        CREATE TABLE IF NOT EXISTS attempts (
            attempt_id        TEXT    PRIMARY KEY NOT NULL,
            phone             INTEGER NOT NULL,
            lead_id           TEXT    NOT NULL,
            client_id         TEXT    NOT NULL,
            campaign_id       TEXT    NOT NULL,
            subject_key       TEXT    NULL,
            recorded_at       INTEGER NOT NULL,
            outcome_code      TEXT    NULL,
            outcome_category  INTEGER NULL,
            outcome_at        INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_attempts_phone ON attempts (phone, recorded_at);
        CREATE INDEX IF NOT EXISTS ix_attempts_lead ON attempts (lead_id, recorded_at);
        CREATE INDEX IF NOT EXISTS ix_attempts_subject ON attempts (subject_key, recorded_at) WHERE subject_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_attempts_recorded ON attempts (recorded_at);
        CREATE TABLE IF NOT EXISTS blocks (
            block_id           TEXT    PRIMARY KEY NOT NULL,
            kind               INTEGER NOT NULL,
            target             INTEGER NOT NULL,
            phone              INTEGER NOT NULL,
            lead_id            TEXT    NULL,
            scope              INTEGER NOT NULL,
            scope_id           TEXT    NULL,
            created_at         INTEGER NOT NULL,
            until_at           INTEGER NULL,
            reason             TEXT    NULL,
            source_attempt_id  TEXT    NULL
        );
        CREATE INDEX IF NOT EXISTS ix_blocks_phone ON blocks (phone) WHERE target = 0;
        CREATE INDEX IF NOT EXISTS ix_blocks_lead ON blocks (lead_id) WHERE target = 1;
        CREATE INDEX IF NOT EXISTS ix_blocks_kind ON blocks (kind, created_at);
        """;

    private const string Redial = """
        CREATE TABLE IF NOT EXISTS redial_queue (
            lead_id           TEXT    PRIMARY KEY NOT NULL,
            call_id           TEXT    NOT NULL,
            phone             INTEGER NOT NULL,
            client_id         TEXT    NOT NULL,
            campaign_id       TEXT    NOT NULL,
            callee_zone_id    TEXT    NULL,
            region_code       TEXT    NULL,
            postal_code       TEXT    NULL,
            subject_key       TEXT    NULL,
            is_callback       INTEGER NOT NULL,
            kind              INTEGER NOT NULL,
            attempt           INTEGER NOT NULL,
            due_at            INTEGER NOT NULL,
            flags             INTEGER NOT NULL,
            reason            TEXT    NULL,
            state             INTEGER NOT NULL,
            enqueued_at       INTEGER NOT NULL,
            updated_at        INTEGER NOT NULL,
            claim_token       TEXT    NULL,
            claim_expires_at  INTEGER NULL,
            claim_count       INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_redial_due ON redial_queue (due_at) WHERE state IN (0, 1);
        CREATE INDEX IF NOT EXISTS ix_redial_campaign_due ON redial_queue (campaign_id, due_at) WHERE state IN (0, 1);
        CREATE INDEX IF NOT EXISTS ix_redial_updated ON redial_queue (updated_at) WHERE state IN (2, 3);
        CREATE TABLE IF NOT EXISTS am_numbers (
            phone                 INTEGER PRIMARY KEY NOT NULL,
            consecutive_machines  INTEGER NOT NULL,
            total_machines        INTEGER NOT NULL,
            total_outcomes        INTEGER NOT NULL,
            last_outcome_at       INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_am_numbers_last ON am_numbers (last_outcome_at);
        CREATE TABLE IF NOT EXISTS am_attempts (
            phone        INTEGER NOT NULL REFERENCES am_numbers (phone) ON DELETE CASCADE,
            attempt_id   TEXT    NOT NULL,
            recorded_at  INTEGER NOT NULL,
            PRIMARY KEY (phone, attempt_id)
        );
        """;

    private const string Campaigns = """
        CREATE TABLE IF NOT EXISTS slot_leases (
            call_id      TEXT    PRIMARY KEY NOT NULL,
            acquired_at  INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_slot_leases_expires ON slot_leases (expires_at);
        CREATE TABLE IF NOT EXISTS slot_lease_scopes (
            call_id     TEXT    NOT NULL REFERENCES slot_leases (call_id) ON DELETE CASCADE,
            position    INTEGER NOT NULL,
            scope_id    TEXT    NOT NULL,
            PRIMARY KEY (call_id, position)
        );
        CREATE INDEX IF NOT EXISTS ix_slot_lease_scopes_scope ON slot_lease_scopes (scope_id);
        CREATE TABLE IF NOT EXISTS campaigns (
            campaign_id                   TEXT    PRIMARY KEY NOT NULL,
            client_id                     TEXT    NOT NULL,
            name                          TEXT    NOT NULL,
            state                         INTEGER NOT NULL,
            error                         TEXT    NULL,
            epoch                         INTEGER NOT NULL,
            owner_id                      TEXT    NULL,
            heartbeat_at                  INTEGER NULL,
            cursor                        INTEGER NOT NULL,
            in_flight_call_id             TEXT    NULL,
            processed                     INTEGER NOT NULL,
            total_leads                   INTEGER NULL,
            outcome_counts                TEXT    NOT NULL,
            placement_errors              INTEGER NOT NULL,
            consecutive_placement_errors  INTEGER NOT NULL,
            created_at                    INTEGER NOT NULL,
            updated_at                    INTEGER NOT NULL,
            started_at                    INTEGER NULL,
            ended_at                      INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_campaigns_state ON campaigns (state, campaign_id);
        """;

    private const string Quarantine = """
        CREATE TABLE IF NOT EXISTS quarantine (
            id             INTEGER PRIMARY KEY AUTOINCREMENT,
            source_table   TEXT    NOT NULL,
            source_rowid   INTEGER NOT NULL,
            problem        TEXT    NOT NULL,
            row_json       TEXT    NULL,
            detected_at    INTEGER NOT NULL,
            resolved_at    INTEGER NULL
        );
        CREATE INDEX IF NOT EXISTS ix_quarantine_open ON quarantine (resolved_at, id);
        """;

    // Counter maps are JSON objects in TEXT columns (like campaigns.outcome_counts) rather than a child table: a row is
    // then one location for validation and quarantine, reads need no join, and adding increments is a read-modify-write
    // inside the writer's BEGIN IMMEDIATE transaction, which no other writer can interleave with.
    private const string DailyStatistics = """
        CREATE TABLE IF NOT EXISTS daily_statistics (
            date              TEXT    NOT NULL,
            client_id         TEXT    NOT NULL,
            campaign_id       TEXT    NOT NULL,
            requests          INTEGER NOT NULL,
            admitted          INTEGER NOT NULL,
            denied            INTEGER NOT NULL,
            denied_by_reason  TEXT    NOT NULL,
            outcomes          TEXT    NOT NULL,
            PRIMARY KEY (date, client_id, campaign_id)
        );
        """;

    /// <summary>Every migration, version 1 first.</summary>
    public static IReadOnlyList<SchemaMigration> Migrations { get; } =
    [
        new SchemaMigration(1, "attempt-ledger", Ledger),
        new SchemaMigration(2, "redial-queue-and-answering-machines", Redial),
        new SchemaMigration(3, "slots-and-campaigns", Campaigns),
        new SchemaMigration(4, "quarantine", Quarantine),
        new SchemaMigration(5, "daily-statistics", DailyStatistics),
    ];

    /// <summary>The schema version this code writes: the last migration's version.</summary>
    public static int CurrentVersion => Migrations[^1].Version;

    /// <summary>The tables holding data (what backups and validation cover), in dependency order.</summary>
    internal static IReadOnlyList<string> DataTables { get; } =
        ["attempts", "blocks", "redial_queue", "am_numbers", "am_attempts", "slot_leases", "slot_lease_scopes", "campaigns", "daily_statistics", "quarantine"];
}
