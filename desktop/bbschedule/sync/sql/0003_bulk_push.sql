-- 0003: the bulk door for a first sync. The client opens a staging table the server makes (bulk_begin), streams
-- every row of a project into it with COPY, and bulk_push(project) checks the lot set-based and writes it with
-- one INSERT ... SELECT per table, in the client's transaction: all of it or nothing.
-- Only brand-new rows take this door; anything else is answered "refused" before a single write, and the client
-- sends the same changes through push(), which gives a precise answer per change.

-- The audit of inserted rows: who, when and the transaction are the audit row's own columns (who, at, txid:
-- the same session_user, now() and transaction the stamping trigger writes), so `new` holds the row's
-- kind, id, fields, rev and deleted flag only: a first sync audits 250k rows in one statement, and building
-- each row's JSON is most of its cost. Updates and deletes keep the whole old and new rows.
CREATE OR REPLACE FUNCTION audit_entities() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit (table_name, op, project_id, row_key, old, new)
        SELECT TG_TABLE_NAME, 'INSERT', n.project_id, n.kind || ':' || n.id, NULL,
               jsonb_build_object('kind', n.kind, 'id', n.id, 'fields', n.fields, 'rev', n.rev, 'deleted', n.deleted)
        FROM new_rows n;
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO audit (table_name, op, project_id, row_key, old, new)
        SELECT TG_TABLE_NAME, CASE WHEN n.deleted AND NOT o.deleted THEN 'DELETE' ELSE 'UPDATE' END,
               n.project_id, n.kind || ':' || n.id,
               to_jsonb(o) - 'field_revs' - 'project_id', to_jsonb(n) - 'field_revs' - 'project_id'
        FROM new_rows n JOIN old_rows o USING (project_id, kind, id);
    ELSE
        INSERT INTO audit (table_name, op, project_id, row_key, old, new)
        SELECT TG_TABLE_NAME, 'PURGE', o.project_id, o.kind || ':' || o.id, to_jsonb(o) - 'field_revs', NULL
        FROM old_rows o;
    END IF;
    RETURN NULL;
END $$;

-- Loops in the graph of pg_temp.loop_edges (p -> s), by Kahn's algorithm with one statement per level: for
-- the rare batch whose links touch rows already on the server, or whose client gave no usable order.
CREATE FUNCTION edges_have_loop() RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    front text[];
BEGIN
    CREATE INDEX ON pg_temp.loop_edges (p);
    DROP TABLE IF EXISTS pg_temp.loop_indeg;
    CREATE TEMP TABLE loop_indeg ON COMMIT DROP AS
        SELECT s AS node, count(*)::int AS n FROM pg_temp.loop_edges GROUP BY s;
    ALTER TABLE pg_temp.loop_indeg ADD PRIMARY KEY (node);
    ANALYZE pg_temp.loop_edges;
    ANALYZE pg_temp.loop_indeg;
    front := ARRAY(SELECT DISTINCT e.p FROM pg_temp.loop_edges e
                   WHERE NOT EXISTS (SELECT 1 FROM pg_temp.loop_indeg i WHERE i.node = e.p));
    WHILE cardinality(front) > 0 LOOP
        WITH x AS (SELECT e.s, count(*)::int AS c FROM pg_temp.loop_edges e WHERE e.p = ANY (front) GROUP BY e.s),
             d AS (UPDATE pg_temp.loop_indeg i SET n = i.n - x.c FROM x WHERE i.node = x.s RETURNING i.node, i.n)
        SELECT coalesce(array_agg(node) FILTER (WHERE n = 0), '{}') INTO front FROM d;
    END LOOP;
    RETURN EXISTS (SELECT 1 FROM pg_temp.loop_indeg WHERE n > 0);
END $$;

-- The staging table: made here, so it belongs to the owner and the client can only add rows to it (no
-- trigger, rule, child table or view of theirs can run inside bulk_push). Gone at the end of the transaction.
-- bulk_ranks holds a topological rank per activity, the client's claim that its logic has no loop (a hint that
-- bulk_push checks, never trusts): it lasts the session, so a first sync in several batches sends it once.
CREATE FUNCTION bulk_begin(keep_ranks boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'bbschedule_client', 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a BBSchedule user', session_user USING ERRCODE = '42501';
    END IF;
    DROP TABLE IF EXISTS pg_temp.bulk_stage;
    CREATE TEMP TABLE bulk_stage (
        ord integer NOT NULL,        -- 1..n in the order sent: answers come back in that order
        change_id uuid NOT NULL,
        kind text NOT NULL,
        id uuid NOT NULL,
        fields jsonb NOT NULL
    ) ON COMMIT DROP;
    IF to_regclass('pg_temp.bulk_ranks') IS NULL THEN
        CREATE TEMP TABLE bulk_ranks (id uuid NOT NULL, topo integer NOT NULL);
    ELSIF NOT keep_ranks THEN
        TRUNCATE pg_temp.bulk_ranks;
    END IF;
    EXECUTE format('GRANT INSERT ON TABLE pg_temp.bulk_stage, pg_temp.bulk_ranks TO %I', session_user);
END $$;

-- A refusal: nothing has been written. `rows`: some of the rows at fault, as [kind, id, reason].
CREATE FUNCTION bulk_refusal(code text, reason text, rows jsonb DEFAULT '[]') RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('status', 'refused', 'code', code, 'reason', reason, 'rows', rows)
$$;

-- bulk_push: every row staged by this transaction for `project`. Answers
--   {status: applied, revs: [rev per row in `ord` order, null for a skipped one], skipped: [{ord, ...}]}
--   {status: refused, code: forbidden | invalid | not_new | dangling | loop, reason, rows}
-- Change ids applied before (a retry after a lost answer) are skipped, as push() does.
CREATE FUNCTION bulk_push(project uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, bbschedule, pg_temp SET work_mem = '256MB' SET jit = off AS $$
DECLARE
    stage regclass := to_regclass('pg_temp.bulk_stage');
    ranks regclass := to_regclass('pg_temp.bulk_ranks');
    role text;
    project_new boolean;
    n bigint;
    n_todo bigint;
    n_project bigint;
    bad jsonb;
    loops boolean;
    answer jsonb;
    nestloop text := current_setting('enable_nestloop');
BEGIN
    IF NOT pg_has_role(session_user, 'bbschedule_client', 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a BBSchedule user', session_user USING ERRCODE = '42501';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'push runs in READ COMMITTED transactions' USING ERRCODE = '25000';
    END IF;
    IF stage IS NULL OR ranks IS NULL OR (
        SELECT count(*) FROM pg_class c
        WHERE c.oid IN (stage, ranks) AND c.relnamespace = pg_my_temp_schema() AND c.relkind = 'r'
          AND c.relowner = 'bbschedule_owner'::regrole
          AND NOT c.relhastriggers AND NOT c.relhasrules AND NOT c.relhassubclass) <> 2 THEN
        RAISE EXCEPTION 'bulk_push reads the rows staged after bulk_begin() in the same transaction'
            USING ERRCODE = '55000';
    END IF;

    -- Inserts take turns per project, so the checks below see every committed row (as push() does).
    PERFORM lock_project(project);
    role := my_role(project);
    project_new := NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = project);

    -- The keys, narrow, with what the checks need; `done`: the change id was applied before.
    DROP TABLE IF EXISTS pg_temp.bulk_keys, pg_temp.bulk_refs, pg_temp.loop_edges, pg_temp.loop_indeg;
    CREATE TEMP TABLE bulk_keys ON COMMIT DROP AS
        SELECT s.ord, s.change_id, s.kind, s.id, jsonb_typeof(s.fields) AS shape,
               a.change_id IS NOT NULL AS done, a.status AS done_status, a.rev AS done_rev, a.result AS done_result
        FROM ONLY pg_temp.bulk_stage s LEFT JOIN applied_changes a ON a.change_id = s.change_id;
    ANALYZE pg_temp.bulk_keys;

    SELECT count(*), count(*) FILTER (WHERE NOT done), count(*) FILTER (WHERE NOT done AND kind = 'project')
        INTO n, n_todo, n_project FROM pg_temp.bulk_keys;
    IF n > 0 AND (SELECT min(ord) <> 1 OR max(ord) <> n OR count(DISTINCT ord) <> n FROM pg_temp.bulk_keys) THEN
        RETURN bulk_refusal('invalid', 'rows must be numbered 1..n in the order sent');
    END IF;

    IF n_todo > 0 THEN
        IF project_new AND n_project = 0 OR NOT project_new AND role IS NULL THEN
            RETURN bulk_refusal('forbidden', 'you are not a member of this project');
        ELSIF NOT project_new AND role NOT IN ('planner', 'admin') THEN
            RETURN bulk_refusal('forbidden', 'viewers cannot change the project');
        END IF;
        SELECT jsonb_agg(jsonb_build_array(k.kind, k.id, k.why)) INTO bad FROM (
            SELECT k.kind, k.id, CASE
                WHEN k.kind NOT IN ('project', 'calendar', 'wbs', 'code_type', 'code_value', 'user_field', 'resource',
                                    'activity', 'relationship', 'assignment', 'expense', 'baseline')
                    THEN format('unknown kind %s', k.kind)
                WHEN k.shape <> 'object' THEN 'fields must be a JSON object'
                WHEN k.kind = 'project' AND k.id <> project THEN 'a project row carries the project id'
                END AS why
            FROM pg_temp.bulk_keys k WHERE NOT k.done) k
        WHERE k.why IS NOT NULL;
        IF bad IS NOT NULL THEN
            RETURN bulk_refusal('invalid', 'some rows are not valid', bad);
        END IF;

        -- Only brand-new rows, each once, go in here: an existing row needs the merge rules of push().
        IF NOT project_new AND n_project > 0
           OR EXISTS (SELECT 1 FROM pg_temp.bulk_keys k WHERE NOT k.done GROUP BY k.kind, k.id HAVING count(*) > 1)
           OR EXISTS (SELECT 1 FROM pg_temp.bulk_keys k WHERE NOT k.done GROUP BY k.change_id HAVING count(*) > 1)
           OR (SELECT count(*) FROM pg_temp.bulk_keys k JOIN entities e
               ON e.project_id = project AND e.kind = k.kind AND e.id = k.id WHERE NOT k.done) > 0 THEN
            RETURN bulk_refusal('not_new', 'some rows are on the server already or twice in the batch: use push()');
        END IF;

        -- Dangling references, by anti-join: each must name a live row of the project or a row of this batch,
        -- as a uuid in canonical text form (the form push() compares links in; it takes other forms itself).
        BEGIN
            CREATE TEMP TABLE bulk_refs ON COMMIT DROP AS
                SELECT x.ord, x.kind, x.id, x.attr, x.target, x.optional, x.ref, x.ref::uuid AS ref_id
                FROM (SELECT s.ord, s.kind, s.id, r.attr, r.target, r.optional, s.fields ->> r.attr AS ref
                      FROM ONLY pg_temp.bulk_stage s JOIN ref_rules r ON r.kind = s.kind) x;
        EXCEPTION WHEN invalid_text_representation THEN
            RETURN bulk_refusal('invalid', 'a reference is not a uuid');
        END;
        DELETE FROM pg_temp.bulk_refs f USING pg_temp.bulk_keys k WHERE k.done AND k.ord = f.ord;
        ANALYZE pg_temp.bulk_refs;
        -- The rows of the batch first, then what is left in the project's live rows: hashed, as the planner
        -- does not know yet how many rows the earlier batches of this first sync wrote.
        PERFORM set_config('enable_nestloop', 'off', true);
        WITH outside AS MATERIALIZED (
            SELECT f.target, f.ref_id FROM pg_temp.bulk_refs f
            WHERE f.ref_id IS NOT NULL
              AND NOT EXISTS (SELECT 1 FROM pg_temp.bulk_keys t WHERE NOT t.done AND t.kind = f.target
                              AND t.id = f.ref_id)
        ), missing AS MATERIALIZED (
            SELECT o.target, o.ref_id FROM outside o
            WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.project_id = project AND e.kind = o.target
                              AND e.id = o.ref_id AND NOT e.deleted)
        )
        SELECT jsonb_agg(jsonb_build_array(m.kind, m.id, CASE WHEN m.ref IS NULL
                   THEN format('%s.%s is missing', m.kind, m.attr)
                   ELSE format('%s.%s refers to a %s that does not exist or was deleted (%s)', m.kind, m.attr,
                               m.target, m.ref) END))
            INTO bad
        FROM (SELECT f.* FROM pg_temp.bulk_refs f
              WHERE f.ref IS NULL AND NOT f.optional OR f.ref_id::text <> f.ref
              UNION ALL
              (SELECT f.* FROM pg_temp.bulk_refs f JOIN (SELECT DISTINCT * FROM missing) g USING (target, ref_id)
               LIMIT 20)) m;
        PERFORM set_config('enable_nestloop', nestloop, true);
        IF bad IS NOT NULL THEN
            RETURN bulk_refusal('dangling', 'some references point at rows that do not exist', bad);
        END IF;

        -- Loops, only when the batch brings links. The client ranked its activities: when every link that
        -- touches a ranked activity joins two of them from a lower to a higher rank, and every new link does, a
        -- loop could only be made of links that were on the server already, which were checked. Any other case
        -- (no ranks, a wrong rank, links to others' activities): Kahn over every link of the project.
        -- (A count, not EXISTS: EXISTS asks the planner for a fast start, a nested loop over two big tables.)
        IF EXISTS (SELECT 1 FROM pg_temp.bulk_keys k WHERE k.kind = 'relationship' AND NOT k.done) THEN
            CREATE TEMP TABLE loop_edges ON COMMIT DROP AS
                SELECT e.fields ->> 'predecessor_id' AS p, e.fields ->> 'successor_id' AS s, false AS new
                FROM entities e WHERE e.project_id = project AND e.kind = 'relationship' AND NOT e.deleted
                UNION ALL
                SELECT f.ref, g.ref, true FROM pg_temp.bulk_refs f JOIN pg_temp.bulk_refs g USING (ord)
                WHERE f.attr = 'predecessor_id' AND g.attr = 'successor_id' AND f.kind = 'relationship';
            ANALYZE pg_temp.loop_edges;  -- temp tables have no statistics: without, a nested loop over both
            ANALYZE pg_temp.bulk_ranks;
            SELECT count(*) > 0 INTO loops FROM pg_temp.loop_edges g
                LEFT JOIN (SELECT r.id::text AS id, r.topo FROM ONLY pg_temp.bulk_ranks r) a ON a.id = g.p
                LEFT JOIN (SELECT r.id::text AS id, r.topo FROM ONLY pg_temp.bulk_ranks r) b ON b.id = g.s
                WHERE NOT (coalesce(a.topo < b.topo, false) OR NOT g.new AND a.topo IS NULL AND b.topo IS NULL);
            IF loops AND edges_have_loop() THEN
                RETURN bulk_refusal('loop', 'the relationships of the batch close a logic loop');
            END IF;
        END IF;

        -- Checked: write. A new project makes its creator its admin (push() does the same).
        IF project_new THEN
            INSERT INTO projects (id, code)
            SELECT project, coalesce(s.fields ->> 'code', '') FROM ONLY pg_temp.bulk_stage s
            JOIN pg_temp.bulk_keys k USING (ord) WHERE k.kind = 'project' AND NOT k.done;
            INSERT INTO memberships (project_id, user_name, role) VALUES (project, session_user, 'admin');
        END IF;
    END IF;

    -- One statement per table: the stamping trigger gives each row its rev, the statement-level audit trigger
    -- records every inserted row in one insert, and every change id is remembered in one insert.
    WITH ins AS (
        INSERT INTO entities (project_id, kind, id, fields)
        SELECT project, s.kind, s.id, s.fields FROM ONLY pg_temp.bulk_stage s
        WHERE n_todo > 0 AND NOT EXISTS (SELECT 1 FROM pg_temp.bulk_keys k WHERE k.ord = s.ord AND k.done)
        RETURNING kind, id, rev
    ), got AS (
        SELECT k.ord, k.change_id, ins.rev FROM ins JOIN pg_temp.bulk_keys k ON k.kind = ins.kind AND k.id = ins.id
        WHERE NOT k.done
    ), remembered AS (
        INSERT INTO applied_changes (change_id, project_id, status, rev, result)
        SELECT g.change_id, project, 'applied', g.rev, NULL FROM got g
    )
    SELECT jsonb_build_object(
        'status', 'applied',
        'txid', pg_current_xact_id()::text,
        'revs', coalesce((SELECT jsonb_agg(CASE WHEN k.done THEN k.done_rev ELSE g.rev END ORDER BY k.ord)
                          FROM pg_temp.bulk_keys k LEFT JOIN got g ON g.ord = k.ord), '[]'),
        'skipped', coalesce((SELECT jsonb_agg(coalesce(k.done_result, jsonb_build_object('rev', k.done_rev))
                                              || jsonb_build_object('ord', k.ord, 'change_id', k.change_id,
                                                                    'status', 'skipped', 'was', k.done_status)
                                              ORDER BY k.ord)
                             FROM pg_temp.bulk_keys k WHERE k.done), '[]'))
    INTO answer;
    RETURN answer;
END $$;

-- pull_keys: pull(with_fields => false) that leaves out the rows last written by `skip_txids` (the client's own
-- bulk transactions of this sync: it knows those rows exactly), and ends each page with a marker row (kind and id
-- NULL) holding where the page stopped, (txid, rev), and in `deleted` whether the page was full.
CREATE FUNCTION pull_keys(project uuid, after_txid xid8, after_rev bigint, page_size integer, skip_txids xid8[])
RETURNS TABLE (kind text, id uuid, rev bigint, txid xid8, deleted boolean, updated_by text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    size integer := least(greatest(pull_keys.page_size, 1), 200000);
BEGIN
    IF my_role(pull_keys.project) IS NULL THEN
        RAISE EXCEPTION 'you are not a member of project %', pull_keys.project USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        WITH page AS MATERIALIZED (
            SELECT e.kind, e.id, e.rev, e.txid, e.deleted, e.updated_by FROM entities e
            WHERE e.project_id = pull_keys.project AND (e.txid, e.rev) > (pull_keys.after_txid, pull_keys.after_rev)
              AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
            ORDER BY e.txid, e.rev
            LIMIT size
        )
        (SELECT p.kind, p.id, p.rev, p.txid, p.deleted, p.updated_by FROM page p
         WHERE p.txid <> ALL (coalesce(pull_keys.skip_txids, '{}')) ORDER BY p.txid, p.rev)
        UNION ALL
        (SELECT NULL::text, NULL::uuid, p.rev, p.txid, (SELECT count(*) FROM page) = size, NULL::text
         FROM page p ORDER BY p.txid DESC, p.rev DESC LIMIT 1);
END $$;

REVOKE ALL ON FUNCTION edges_have_loop(), bulk_begin(boolean), bulk_refusal(text, text, jsonb), bulk_push(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bulk_begin(boolean), bulk_push(uuid), pull_keys(uuid, xid8, bigint, integer, xid8[])
    TO bbschedule_client;
