namespace Dialer.Persistence.PostgreSql;

/// <summary>
/// The PostgreSQL schema, as additive, idempotent migrations. Every script uses <c>{s}</c> for the (validated, quoted)
/// schema name. Instants are <c>bigint</c> Unix ticks (100 ns, <see cref="NodaTime.Instant.ToUnixTimeTicks"/>), so
/// every instant a caller passes round-trips exactly and comparisons are plain integer comparisons; the database clock
/// is read as <c>clock_timestamp()</c> converted to ticks. Check-and-record operations are PL/pgSQL functions that take
/// transaction-level advisory locks in one fixed order (number, lead, subject; or call id, then scopes sorted), so an
/// operation is one round trip and atomic over every key it reads. Deletions are plain single statements issued by the
/// client (a function body never deletes), which keeps every script additive for <see cref="MigrationGuard"/>.
/// </summary>
internal static class PostgreSqlMigrations
{
    /// <summary>Advisory lock classes (the first key of the two-key form); the second key is a hash of the item.</summary>
    internal const int LockNumber = 1, LockLead = 2, LockSubject = 3, LockSlotCall = 30, LockSlotScope = 31, LockMachineNumber = 20;

    /// <summary>The schema version table, created before any migration runs (inside the migration lock).</summary>
    internal const string VersionTable = """
        CREATE SCHEMA IF NOT EXISTS {s};
        CREATE TABLE IF NOT EXISTS {s}.schema_version (
            version    integer PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string Ledger = """
        CREATE TABLE IF NOT EXISTS {s}.attempts (
            attempt_id       text PRIMARY KEY,
            phone            bigint NOT NULL,
            lead_id          text NOT NULL,
            client_id        text NOT NULL,
            campaign_id      text NOT NULL,
            subject_key      text,
            recorded_at      bigint NOT NULL,
            outcome_code     text,
            outcome_category smallint,
            outcome_at       bigint
        );
        CREATE INDEX IF NOT EXISTS attempts_phone_at ON {s}.attempts (phone, recorded_at);
        CREATE INDEX IF NOT EXISTS attempts_lead_at ON {s}.attempts (lead_id, recorded_at);
        CREATE INDEX IF NOT EXISTS attempts_subject_at ON {s}.attempts (subject_key, recorded_at) WHERE subject_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS attempts_recorded_at ON {s}.attempts (recorded_at);

        CREATE TABLE IF NOT EXISTS {s}.blocks (
            block_id          text PRIMARY KEY,
            seq               bigint GENERATED ALWAYS AS IDENTITY,
            kind              smallint NOT NULL,
            target            smallint NOT NULL,
            phone             bigint NOT NULL,
            lead_id           text,
            scope             smallint NOT NULL,
            scope_id          text,
            created_at        bigint NOT NULL,
            until_at          bigint,
            reason            text,
            source_attempt_id text
        );
        CREATE INDEX IF NOT EXISTS blocks_phone ON {s}.blocks (phone) WHERE target = 0;
        CREATE INDEX IF NOT EXISTS blocks_lead ON {s}.blocks (lead_id) WHERE target = 1;
        CREATE INDEX IF NOT EXISTS blocks_kind ON {s}.blocks (kind, created_at);

        -- Check (and record) one attempt: one round trip, atomic over every key the rules read: the number always, the
        -- lead when a limit is keyed by lead (p_lock_lead), the subject when one is keyed by subject (p_lock_subject).
        -- p_at NULL = evaluate at the database clock (read after the locks are held).
        -- Limits come as parallel arrays: key (0 number, 1 number+lead, 2 lead, 3 subject), scope (0 global, 1 client,
        -- 2 campaign), window in ticks (0 = calendar day), max count, zone index (calendar day: which run of p_days).
        -- p_days holds, per zone, p_days_per_zone consecutive local-day starts computed by the host with NodaTime.
        -- Reasons: a limit's index (0-based), or -1 - kind for a block; clears NULL = permanent.
        CREATE OR REPLACE FUNCTION {s}.ledger_check(
            p_record boolean, p_attempt_id text, p_phone bigint, p_lead text, p_client text, p_campaign text, p_subject text,
            p_at bigint, p_key integer[], p_scope integer[], p_window bigint[], p_max integer[], p_zone integer[],
            p_days bigint[], p_days_per_zone integer, p_lock_lead boolean, p_lock_subject boolean)
        RETURNS TABLE (r_status integer, r_evaluated_at bigint, r_recorded_at bigint, r_reasons integer[], r_clears bigint[])
        LANGUAGE plpgsql AS $fn$
        DECLARE
            v_now bigint; v_existing bigint; v_i integer; v_j integer; v_base integer;
            v_lo bigint; v_hi bigint; v_count bigint; v_mth bigint; v_clear bigint;
            v_reasons integer[] := '{}'; v_clears bigint[] := '{}'; b record;
        BEGIN
            IF p_record THEN
                PERFORM pg_advisory_xact_lock(1, hashint8(p_phone));
                IF p_lock_lead THEN
                    PERFORM pg_advisory_xact_lock(2, hashtext(p_lead));
                END IF;
                IF p_lock_subject AND p_subject IS NOT NULL THEN
                    PERFORM pg_advisory_xact_lock(3, hashtext(p_subject));
                END IF;
            END IF;
            v_now := COALESCE(p_at, (extract(epoch FROM clock_timestamp()) * 10000000)::bigint);

            SELECT a.recorded_at INTO v_existing FROM {s}.attempts a WHERE a.attempt_id = p_attempt_id;
            IF FOUND THEN
                RETURN QUERY SELECT 2, v_now, v_existing, NULL::integer[], NULL::bigint[];
                RETURN;
            END IF;

            FOR v_i IN 1 .. COALESCE(array_length(p_key, 1), 0) LOOP
                CONTINUE WHEN p_key[v_i] = 3 AND p_subject IS NULL;
                IF p_window[v_i] > 0 THEN
                    v_lo := v_now - p_window[v_i] + 1;   -- (now - window, now], and later attempts count too
                    v_hi := 9223372036854775807;
                ELSE
                    v_lo := NULL;
                    v_base := p_zone[v_i] * p_days_per_zone;
                    FOR v_j IN v_base + 1 .. v_base + p_days_per_zone - 1 LOOP
                        IF p_days[v_j] <= v_now AND v_now < p_days[v_j + 1] THEN
                            v_lo := p_days[v_j];
                            v_hi := p_days[v_j + 1];
                            EXIT;
                        END IF;
                    END LOOP;
                    IF v_lo IS NULL THEN
                        RAISE EXCEPTION 'dialer: the evaluation instant % (ticks) lies outside the local days the host supplied; host and database clocks differ too much', v_now
                            USING ERRCODE = 'DL001';
                    END IF;
                END IF;

                IF p_key[v_i] = 0 THEN
                    SELECT count(*), (array_agg(a.recorded_at ORDER BY a.recorded_at DESC))[p_max[v_i]] INTO v_count, v_mth
                    FROM {s}.attempts a
                    WHERE a.phone = p_phone AND a.recorded_at >= v_lo AND a.recorded_at < v_hi
                      AND (p_scope[v_i] = 0 OR (p_scope[v_i] = 1 AND a.client_id = p_client) OR (p_scope[v_i] = 2 AND a.campaign_id = p_campaign));
                ELSIF p_key[v_i] = 1 THEN
                    SELECT count(*), (array_agg(a.recorded_at ORDER BY a.recorded_at DESC))[p_max[v_i]] INTO v_count, v_mth
                    FROM {s}.attempts a
                    WHERE a.phone = p_phone AND a.lead_id = p_lead AND a.recorded_at >= v_lo AND a.recorded_at < v_hi
                      AND (p_scope[v_i] = 0 OR (p_scope[v_i] = 1 AND a.client_id = p_client) OR (p_scope[v_i] = 2 AND a.campaign_id = p_campaign));
                ELSIF p_key[v_i] = 2 THEN
                    SELECT count(*), (array_agg(a.recorded_at ORDER BY a.recorded_at DESC))[p_max[v_i]] INTO v_count, v_mth
                    FROM {s}.attempts a
                    WHERE a.lead_id = p_lead AND a.recorded_at >= v_lo AND a.recorded_at < v_hi
                      AND (p_scope[v_i] = 0 OR (p_scope[v_i] = 1 AND a.client_id = p_client) OR (p_scope[v_i] = 2 AND a.campaign_id = p_campaign));
                ELSE
                    SELECT count(*), (array_agg(a.recorded_at ORDER BY a.recorded_at DESC))[p_max[v_i]] INTO v_count, v_mth
                    FROM {s}.attempts a
                    WHERE a.subject_key = p_subject AND a.recorded_at >= v_lo AND a.recorded_at < v_hi
                      AND (p_scope[v_i] = 0 OR (p_scope[v_i] = 1 AND a.client_id = p_client) OR (p_scope[v_i] = 2 AND a.campaign_id = p_campaign));
                END IF;

                IF v_count >= p_max[v_i] THEN
                    v_clear := CASE WHEN p_window[v_i] > 0 THEN v_mth + p_window[v_i] ELSE v_hi END;
                    v_reasons := array_append(v_reasons, v_i - 1);
                    v_clears := array_append(v_clears, v_clear);
                END IF;
            END LOOP;

            FOR b IN
                SELECT k.kind, k.until_at FROM {s}.blocks k
                WHERE ((k.target = 0 AND k.phone = p_phone) OR (k.target = 1 AND k.lead_id = p_lead))
                  AND (k.until_at IS NULL OR k.until_at > v_now)
                  AND (k.scope = 0 OR (k.scope = 1 AND k.scope_id = p_client) OR (k.scope = 2 AND k.scope_id = p_campaign))
                ORDER BY k.target, k.seq
            LOOP
                v_reasons := array_append(v_reasons, -1 - b.kind);
                v_clears := array_append(v_clears, b.until_at);
            END LOOP;

            IF COALESCE(array_length(v_reasons, 1), 0) > 0 THEN
                RETURN QUERY SELECT 0, v_now, NULL::bigint, v_reasons, v_clears;
                RETURN;
            END IF;
            IF NOT p_record THEN
                RETURN QUERY SELECT 3, v_now, NULL::bigint, NULL::integer[], NULL::bigint[];
                RETURN;
            END IF;
            INSERT INTO {s}.attempts (attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at)
            VALUES (p_attempt_id, p_phone, p_lead, p_client, p_campaign, p_subject, v_now);
            RETURN QUERY SELECT 1, v_now, v_now, NULL::integer[], NULL::bigint[];
        END
        $fn$;

        -- Record an outcome once per attempt id and store its blocks, under the same locks as ledger_check.
        -- Returns 0 recorded, 1 updated (known replaced unknown), 2 unchanged, 3 recorded as a new attempt.
        CREATE OR REPLACE FUNCTION {s}.ledger_outcome(
            p_attempt_id text, p_phone bigint, p_lead text, p_client text, p_campaign text, p_subject text,
            p_code text, p_category smallint, p_at bigint, p_unknown smallint,
            b_id text[], b_kind smallint[], b_target smallint[], b_phone bigint[], b_lead text[], b_scope smallint[],
            b_scope_id text[], b_created bigint[], b_until bigint[], b_reason text[], b_source text[])
        RETURNS integer
        LANGUAGE plpgsql AS $fn$
        DECLARE v_category smallint; v_exists boolean := false; v_status integer;
        BEGIN
            -- An outcome can add an attempt (one the ledger did not hold): take the same locks as ledger_check would.
            PERFORM pg_advisory_xact_lock(1, hashint8(p_phone));
            PERFORM pg_advisory_xact_lock(2, hashtext(p_lead));
            IF p_subject IS NOT NULL THEN
                PERFORM pg_advisory_xact_lock(3, hashtext(p_subject));
            END IF;
            SELECT a.outcome_category, true INTO v_category, v_exists FROM {s}.attempts a WHERE a.attempt_id = p_attempt_id FOR UPDATE;
            IF NOT COALESCE(v_exists, false) THEN
                INSERT INTO {s}.attempts (attempt_id, phone, lead_id, client_id, campaign_id, subject_key, recorded_at, outcome_code, outcome_category, outcome_at)
                VALUES (p_attempt_id, p_phone, p_lead, p_client, p_campaign, p_subject, p_at, p_code, p_category, p_at);
                v_status := 3;
            ELSIF v_category IS NULL OR (v_category = p_unknown AND p_category <> p_unknown) THEN
                UPDATE {s}.attempts a SET outcome_code = p_code, outcome_category = p_category, outcome_at = p_at
                WHERE a.attempt_id = p_attempt_id;
                v_status := CASE WHEN v_category IS NULL THEN 0 ELSE 1 END;
            ELSE
                RETURN 2;
            END IF;

            INSERT INTO {s}.blocks AS k (block_id, kind, target, phone, lead_id, scope, scope_id, created_at, until_at, reason, source_attempt_id)
            SELECT * FROM unnest(b_id, b_kind, b_target, b_phone, b_lead, b_scope, b_scope_id, b_created, b_until, b_reason, b_source)
            ON CONFLICT (block_id) DO UPDATE SET
                kind = EXCLUDED.kind, target = EXCLUDED.target, phone = EXCLUDED.phone, lead_id = EXCLUDED.lead_id,
                scope = EXCLUDED.scope, scope_id = EXCLUDED.scope_id, created_at = EXCLUDED.created_at,
                until_at = EXCLUDED.until_at, reason = EXCLUDED.reason, source_attempt_id = EXCLUDED.source_attempt_id;
            RETURN v_status;
        END
        $fn$;
        """;

    private const string Redial = """
        CREATE TABLE IF NOT EXISTS {s}.redial_queue (
            lead_id          text PRIMARY KEY,
            call_id          text NOT NULL,
            phone            bigint NOT NULL,
            client_id        text NOT NULL,
            campaign_id      text NOT NULL,
            callee_zone_id   text,
            region_code      text,
            postal_code      text,
            subject_key      text,
            is_callback      boolean NOT NULL,
            kind             smallint NOT NULL,
            attempt          integer NOT NULL,
            due_at           bigint NOT NULL,
            flags            integer NOT NULL,
            reason           text,
            state            smallint NOT NULL,
            enqueued_at      bigint NOT NULL,
            updated_at       bigint NOT NULL,
            claim_token      text,
            claim_expires_at bigint,
            claim_count      integer NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS redial_queue_due ON {s}.redial_queue (due_at) WHERE state = 0;
        CREATE INDEX IF NOT EXISTS redial_queue_campaign_due ON {s}.redial_queue (campaign_id, due_at) WHERE state IN (0, 1);
        CREATE INDEX IF NOT EXISTS redial_queue_claim ON {s}.redial_queue (claim_expires_at) WHERE state = 1;
        CREATE INDEX IF NOT EXISTS redial_queue_done ON {s}.redial_queue (updated_at) WHERE state IN (2, 3);

        CREATE TABLE IF NOT EXISTS {s}.am_numbers (
            phone                bigint PRIMARY KEY,
            consecutive_machines integer NOT NULL,
            total_machines       integer NOT NULL,
            total_outcomes       integer NOT NULL,
            last_outcome_at      bigint
        );
        CREATE INDEX IF NOT EXISTS am_numbers_last ON {s}.am_numbers (last_outcome_at);
        CREATE TABLE IF NOT EXISTS {s}.am_attempts (
            phone       bigint NOT NULL,
            attempt_id  text NOT NULL,
            recorded_at bigint NOT NULL,
            PRIMARY KEY (phone, attempt_id)
        );

        -- Record one answering-machine outcome, idempotent by (number, attempt id); returns the number's stats.
        CREATE OR REPLACE FUNCTION {s}.am_record(p_phone bigint, p_attempt_id text, p_machine boolean, p_at bigint)
        RETURNS TABLE (r_consecutive integer, r_machines integer, r_outcomes integer, r_last bigint)
        LANGUAGE plpgsql AS $fn$
        BEGIN
            PERFORM pg_advisory_xact_lock(20, hashint8(p_phone));
            INSERT INTO {s}.am_attempts (phone, attempt_id, recorded_at) VALUES (p_phone, p_attempt_id, p_at)
            ON CONFLICT DO NOTHING;
            IF FOUND THEN
                INSERT INTO {s}.am_numbers AS n (phone, consecutive_machines, total_machines, total_outcomes, last_outcome_at)
                VALUES (p_phone, CASE WHEN p_machine THEN 1 ELSE 0 END, CASE WHEN p_machine THEN 1 ELSE 0 END, 1, p_at)
                ON CONFLICT (phone) DO UPDATE SET
                    consecutive_machines = CASE WHEN p_machine THEN n.consecutive_machines + 1 ELSE 0 END,
                    total_machines = n.total_machines + CASE WHEN p_machine THEN 1 ELSE 0 END,
                    total_outcomes = n.total_outcomes + 1,
                    last_outcome_at = GREATEST(n.last_outcome_at, p_at);
            END IF;
            RETURN QUERY SELECT n.consecutive_machines, n.total_machines, n.total_outcomes, n.last_outcome_at
                FROM {s}.am_numbers n WHERE n.phone = p_phone;
        END
        $fn$;
        """;

    private const string Campaigns = """
        CREATE TABLE IF NOT EXISTS {s}.slot_leases (
            call_id     text PRIMARY KEY,
            scope_ids   text[] NOT NULL,
            acquired_at bigint NOT NULL,
            expires_at  bigint NOT NULL
        );
        CREATE INDEX IF NOT EXISTS slot_leases_scopes ON {s}.slot_leases USING gin (scope_ids);
        CREATE INDEX IF NOT EXISTS slot_leases_expiry ON {s}.slot_leases (expires_at);

        -- Acquire (p_take) or check a lease over nested scopes, all or nothing, idempotent by call id.
        -- Locks: the call id, then every scope in sorted order.
        CREATE OR REPLACE FUNCTION {s}.slot_acquire(p_call text, p_scopes text[], p_limits integer[], p_now bigint, p_ttl bigint, p_take boolean)
        RETURNS TABLE (r_acquired boolean, r_held boolean, r_expires_at bigint, r_full_index integer, r_clears_at bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE v_expires bigint; v_i integer; v_count bigint; v_scope text;
        BEGIN
            IF p_take THEN
                PERFORM pg_advisory_xact_lock(30, hashtext(p_call));
                FOR v_scope IN SELECT DISTINCT u.x COLLATE "C" FROM unnest(p_scopes) AS u(x) ORDER BY 1 LOOP
                    PERFORM pg_advisory_xact_lock(31, hashtext(v_scope));
                END LOOP;
            END IF;
            SELECT l.expires_at INTO v_expires FROM {s}.slot_leases l WHERE l.call_id = p_call;
            IF FOUND AND v_expires > p_now THEN
                RETURN QUERY SELECT true, true, v_expires, -1, NULL::bigint;
                RETURN;
            END IF;
            FOR v_i IN 1 .. array_length(p_scopes, 1) LOOP
                SELECT count(*) INTO v_count FROM {s}.slot_leases l
                WHERE l.scope_ids @> ARRAY[p_scopes[v_i]] AND l.expires_at > p_now AND l.call_id <> p_call;
                IF v_count >= p_limits[v_i] THEN
                    RETURN QUERY SELECT false, false, 0::bigint, v_i - 1,
                        (SELECT min(l.expires_at) FROM {s}.slot_leases l
                         WHERE l.scope_ids @> ARRAY[p_scopes[v_i]] AND l.expires_at > p_now AND l.call_id <> p_call);
                    RETURN;
                END IF;
            END LOOP;
            IF NOT p_take THEN
                RETURN QUERY SELECT true, false, p_now, -1, NULL::bigint;
                RETURN;
            END IF;
            INSERT INTO {s}.slot_leases AS l (call_id, scope_ids, acquired_at, expires_at)
            VALUES (p_call, p_scopes, p_now, p_now + p_ttl)
            ON CONFLICT (call_id) DO UPDATE SET scope_ids = EXCLUDED.scope_ids, acquired_at = EXCLUDED.acquired_at, expires_at = EXCLUDED.expires_at;
            RETURN QUERY SELECT true, false, p_now + p_ttl, -1, NULL::bigint;
        END
        $fn$;

        CREATE TABLE IF NOT EXISTS {s}.campaigns (
            campaign_id                  text PRIMARY KEY,
            client_id                    text NOT NULL,
            name                         text NOT NULL,
            state                        smallint NOT NULL,
            error                        text,
            epoch                        bigint NOT NULL DEFAULT 0,
            owner_id                     text,
            heartbeat_at                 bigint,
            cursor_pos                   bigint NOT NULL DEFAULT 0,
            in_flight_call_id            text,
            processed                    bigint NOT NULL DEFAULT 0,
            total_leads                  bigint,
            outcome_counts               jsonb NOT NULL DEFAULT '{}'::jsonb,
            placement_errors             bigint NOT NULL DEFAULT 0,
            consecutive_placement_errors integer NOT NULL DEFAULT 0,
            created_at                   bigint NOT NULL,
            updated_at                   bigint NOT NULL,
            started_at                   bigint,
            ended_at                     bigint
        );
        CREATE INDEX IF NOT EXISTS campaigns_state ON {s}.campaigns (state);

        -- Compare-and-set on (state, epoch). Refusals: 1 not found, 6 state changed, 7 stale epoch.
        CREATE OR REPLACE FUNCTION {s}.campaign_transition(p_id text, p_expected smallint, p_epoch bigint, p_target smallint,
            p_now bigint, p_start boolean, p_terminal boolean, p_error text)
        RETURNS TABLE (r_refusal integer, r_state smallint, r_epoch bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE v_state smallint; v_epoch bigint;
        BEGIN
            UPDATE {s}.campaigns c SET
                state = p_target,
                error = COALESCE(p_error, c.error),
                started_at = CASE WHEN p_start THEN COALESCE(c.started_at, p_now) ELSE c.started_at END,
                ended_at = CASE WHEN p_terminal THEN p_now ELSE c.ended_at END,
                updated_at = p_now
            WHERE c.campaign_id = p_id AND c.state = p_expected AND c.epoch = p_epoch
            RETURNING c.state, c.epoch INTO v_state, v_epoch;
            IF FOUND THEN
                RETURN QUERY SELECT 0, v_state, v_epoch;
                RETURN;
            END IF;
            SELECT c.state, c.epoch INTO v_state, v_epoch FROM {s}.campaigns c WHERE c.campaign_id = p_id;
            IF NOT FOUND THEN
                RETURN QUERY SELECT 1, NULL::smallint, 0::bigint;
                RETURN;
            END IF;
            RETURN QUERY SELECT CASE WHEN v_state <> p_expected THEN 6 ELSE 7 END, v_state, v_epoch;
        END
        $fn$;

        -- Claim a running campaign (no owner, same owner, or stale heartbeat); bumps the epoch.
        -- Refusals: 1 not found, 8 not running, 9 owner alive. Returns the previous owner.
        CREATE OR REPLACE FUNCTION {s}.campaign_claim(p_id text, p_owner text, p_now bigint, p_stale bigint)
        RETURNS TABLE (r_refusal integer, r_previous text)
        LANGUAGE plpgsql AS $fn$
        DECLARE v_state smallint; v_owner text; v_heartbeat bigint;
        BEGIN
            SELECT c.state, c.owner_id, c.heartbeat_at INTO v_state, v_owner, v_heartbeat
            FROM {s}.campaigns c WHERE c.campaign_id = p_id FOR UPDATE;
            IF NOT FOUND THEN
                RETURN QUERY SELECT 1, NULL::text;
                RETURN;
            END IF;
            IF v_state <> 1 THEN
                RETURN QUERY SELECT 8, v_owner;
                RETURN;
            END IF;
            IF v_owner IS NOT NULL AND v_owner <> p_owner AND v_heartbeat IS NOT NULL AND v_heartbeat + p_stale > p_now THEN
                RETURN QUERY SELECT 9, v_owner;
                RETURN;
            END IF;
            UPDATE {s}.campaigns c SET owner_id = p_owner, epoch = c.epoch + 1, heartbeat_at = p_now, updated_at = p_now
            WHERE c.campaign_id = p_id;
            RETURN QUERY SELECT 0, v_owner;
        END
        $fn$;

        -- A fenced owner write (UPDATE ... WHERE epoch = p_epoch AND owner_id = p_owner): 0 heartbeat, 1 checkpoint,
        -- 2 release ownership. Refusals: 1 not found, 7 stale epoch.
        CREATE OR REPLACE FUNCTION {s}.campaign_owner_write(p_id text, p_owner text, p_epoch bigint, p_now bigint, p_kind integer,
            p_cursor bigint, p_in_flight text, p_processed bigint, p_total bigint, p_outcomes jsonb, p_errors bigint, p_consecutive integer)
        RETURNS TABLE (r_refusal integer, r_state smallint, r_epoch bigint)
        LANGUAGE plpgsql AS $fn$
        DECLARE v_state smallint; v_epoch bigint;
        BEGIN
            UPDATE {s}.campaigns c SET
                heartbeat_at = CASE WHEN p_kind = 2 THEN c.heartbeat_at ELSE p_now END,
                owner_id = CASE WHEN p_kind = 2 THEN NULL ELSE c.owner_id END,
                updated_at = CASE WHEN p_kind = 0 THEN c.updated_at ELSE p_now END,
                cursor_pos = CASE WHEN p_kind = 1 THEN p_cursor ELSE c.cursor_pos END,
                in_flight_call_id = CASE WHEN p_kind = 1 THEN p_in_flight ELSE c.in_flight_call_id END,
                processed = CASE WHEN p_kind = 1 THEN p_processed ELSE c.processed END,
                total_leads = CASE WHEN p_kind = 1 THEN p_total ELSE c.total_leads END,
                outcome_counts = CASE WHEN p_kind = 1 THEN p_outcomes ELSE c.outcome_counts END,
                placement_errors = CASE WHEN p_kind = 1 THEN p_errors ELSE c.placement_errors END,
                consecutive_placement_errors = CASE WHEN p_kind = 1 THEN p_consecutive ELSE c.consecutive_placement_errors END
            WHERE c.campaign_id = p_id AND c.epoch = p_epoch AND c.owner_id = p_owner
            RETURNING c.state, c.epoch INTO v_state, v_epoch;
            IF FOUND THEN
                RETURN QUERY SELECT 0, v_state, v_epoch;
                RETURN;
            END IF;
            SELECT c.state, c.epoch INTO v_state, v_epoch FROM {s}.campaigns c WHERE c.campaign_id = p_id;
            IF NOT FOUND THEN
                RETURN QUERY SELECT 1, NULL::smallint, 0::bigint;
                RETURN;
            END IF;
            RETURN QUERY SELECT 7, v_state, v_epoch;
        END
        $fn$;
        """;

    private const string Quarantine = """
        CREATE TABLE IF NOT EXISTS {s}.quarantine (
            id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            table_name text NOT NULL,
            row_key    text NOT NULL,
            row_data   jsonb,
            problem    text NOT NULL,
            found_at   timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string LedgerBatch = """
        -- Group commit: several callers' check-and-records and outcomes in ONE round trip and ONE transaction (one WAL
        -- flush). Item i is a check-and-record (p_kind 0, exactly ledger_check with p_record) or an outcome (p_kind 1,
        -- exactly ledger_outcome). Every lock any item needs (number, lead, subject; the same keys its single call
        -- would take) is taken first, sorted by (class, key), the order every single call takes its own keys in, so
        -- batches and single calls cannot deadlock. Items then run in order, each seeing the ones before it, exactly
        -- as if called one after another; the client falls back to single calls when the batch raises.
        -- Checks share one rule set (p_key .. p_lock_subject); p_days holds p_days_per_item values per item
        -- (ledger_check's p_days for that item; ignored for outcomes). Outcome item i's blocks are
        -- b_*[p_b_from[i] : p_b_to[i]] (empty when p_b_to[i] < p_b_from[i]).
        CREATE OR REPLACE FUNCTION {s}.ledger_batch(
            p_kind smallint[], p_attempt_id text[], p_phone bigint[], p_lead text[], p_client text[], p_campaign text[],
            p_subject text[], p_at bigint[],
            p_key integer[], p_scope integer[], p_window bigint[], p_max integer[], p_zone integer[],
            p_days bigint[], p_days_per_item integer, p_days_per_zone integer, p_lock_lead boolean, p_lock_subject boolean,
            p_code text[], p_category smallint[], p_unknown smallint, p_b_from integer[], p_b_to integer[],
            b_id text[], b_kind smallint[], b_target smallint[], b_phone bigint[], b_lead text[], b_scope smallint[],
            b_scope_id text[], b_created bigint[], b_until bigint[], b_reason text[], b_source text[])
        RETURNS TABLE (o_item integer, o_status integer, o_evaluated_at bigint, o_recorded_at bigint, o_reasons integer[], o_clears bigint[])
        LANGUAGE plpgsql AS $fn$
        DECLARE
            v_n integer := COALESCE(array_length(p_kind, 1), 0); v_i integer; v_lock record; v_check record;
            v_off integer; v_from integer; v_to integer;
        BEGIN
            FOR v_lock IN
                SELECT DISTINCT k.c, k.h FROM (
                    SELECT 1 AS c, hashint8(p_phone[i]) AS h FROM generate_series(1, v_n) AS i
                    UNION ALL
                    SELECT 2, hashtext(p_lead[i]) FROM generate_series(1, v_n) AS i WHERE p_kind[i] = 1 OR p_lock_lead
                    UNION ALL
                    SELECT 3, hashtext(p_subject[i]) FROM generate_series(1, v_n) AS i
                    WHERE p_subject[i] IS NOT NULL AND (p_kind[i] = 1 OR p_lock_subject)
                ) AS k
                ORDER BY k.c, k.h
            LOOP
                PERFORM pg_advisory_xact_lock(v_lock.c, v_lock.h);
            END LOOP;

            FOR v_i IN 1 .. v_n LOOP
                o_item := v_i - 1;
                IF p_kind[v_i] = 0 THEN
                    v_off := (v_i - 1) * p_days_per_item;
                    SELECT * INTO v_check FROM {s}.ledger_check(true, p_attempt_id[v_i], p_phone[v_i], p_lead[v_i], p_client[v_i],
                        p_campaign[v_i], p_subject[v_i], p_at[v_i], p_key, p_scope, p_window, p_max, p_zone,
                        COALESCE(p_days[v_off + 1 : v_off + p_days_per_item], '{}'::bigint[]), p_days_per_zone, p_lock_lead, p_lock_subject);
                    o_status := v_check.r_status;
                    o_evaluated_at := v_check.r_evaluated_at;
                    o_recorded_at := v_check.r_recorded_at;
                    o_reasons := v_check.r_reasons;
                    o_clears := v_check.r_clears;
                ELSE
                    v_from := p_b_from[v_i];
                    v_to := p_b_to[v_i];
                    o_status := {s}.ledger_outcome(p_attempt_id[v_i], p_phone[v_i], p_lead[v_i], p_client[v_i], p_campaign[v_i],
                        p_subject[v_i], p_code[v_i], p_category[v_i], p_at[v_i], p_unknown,
                        COALESCE(b_id[v_from : v_to], '{}'::text[]), COALESCE(b_kind[v_from : v_to], '{}'::smallint[]),
                        COALESCE(b_target[v_from : v_to], '{}'::smallint[]), COALESCE(b_phone[v_from : v_to], '{}'::bigint[]),
                        COALESCE(b_lead[v_from : v_to], '{}'::text[]), COALESCE(b_scope[v_from : v_to], '{}'::smallint[]),
                        COALESCE(b_scope_id[v_from : v_to], '{}'::text[]), COALESCE(b_created[v_from : v_to], '{}'::bigint[]),
                        COALESCE(b_until[v_from : v_to], '{}'::bigint[]), COALESCE(b_reason[v_from : v_to], '{}'::text[]),
                        COALESCE(b_source[v_from : v_to], '{}'::text[]));
                    o_evaluated_at := NULL;
                    o_recorded_at := NULL;
                    o_reasons := NULL;
                    o_clears := NULL;
                END IF;
                RETURN NEXT;
            END LOOP;
        END
        $fn$;
        """;

    private const string DailyStatistics = """
        -- Daily statistics per client and campaign (IStoreDataAccess): counters, and per-code counts as jsonb objects
        -- of non-negative integers. Kept beyond the attempt-history horizon; no phone numbers.
        CREATE TABLE IF NOT EXISTS {s}.daily_statistics (
            stat_date        date NOT NULL,
            client_id        text NOT NULL,
            campaign_id      text NOT NULL,
            requests         bigint NOT NULL DEFAULT 0,
            admitted         bigint NOT NULL DEFAULT 0,
            denied           bigint NOT NULL DEFAULT 0,
            denied_by_reason jsonb NOT NULL DEFAULT '{}'::jsonb,
            outcomes         jsonb NOT NULL DEFAULT '{}'::jsonb,
            PRIMARY KEY (stat_date, client_id, campaign_id)
        );

        -- Adds two per-code count objects key by key ({"a":1} + {"a":2,"b":1} = {"a":3,"b":1}); bigint overflow raises.
        CREATE OR REPLACE FUNCTION {s}.add_counts(p_a jsonb, p_b jsonb) RETURNS jsonb
        LANGUAGE sql IMMUTABLE AS $fn$
            SELECT COALESCE(jsonb_object_agg(u.k, u.v), '{}'::jsonb)
            FROM (SELECT e.key AS k, sum(e.value::bigint)::bigint AS v
                  FROM (SELECT * FROM jsonb_each_text(COALESCE(p_a, '{}'::jsonb))
                        UNION ALL
                        SELECT * FROM jsonb_each_text(COALESCE(p_b, '{}'::jsonb))) AS e
                  GROUP BY e.key) AS u
        $fn$;
        """;

    /// <summary>Every migration, versions 1..n; <see cref="MigrationGuard.EnsureValid"/> holds for the list.</summary>
    public static IReadOnlyList<SchemaMigration> All { get; } =
    [
        new SchemaMigration(1, "attempt-ledger", Ledger),
        new SchemaMigration(2, "redial-queue-and-answering-machines", Redial),
        new SchemaMigration(3, "slots-and-campaigns", Campaigns),
        new SchemaMigration(4, "quarantine", Quarantine),
        new SchemaMigration(5, "ledger-group-commit", LedgerBatch),
        new SchemaMigration(6, "daily-statistics", DailyStatistics),
    ];

    /// <summary>The version the last migration brings the store to.</summary>
    public static int CurrentVersion => All[^1].Version;

    /// <summary>Replaces the schema placeholder with the quoted schema name.</summary>
    public static string Render(string script, string quotedSchema) => script.Replace("{s}", quotedSchema, StringComparison.Ordinal);
}
