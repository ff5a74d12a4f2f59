-- 0002: the only doors for clients: hello(), push(batch) and pull(project, after_txid, after_rev, page_size).
-- Everything here runs as the owner (SECURITY DEFINER, search_path pinned, pg_temp last) and checks the
-- caller's role itself, keyed on session_user.

CREATE FUNCTION as_uuid(value text) RETURNS uuid
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN value ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN value::uuid END
$$;

-- NULL when every reference of the row points at a live row of the project; otherwise what is wrong.
CREATE FUNCTION refs_problem(project uuid, row_kind text, row_fields jsonb) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    r record;
    target text;
BEGIN
    FOR r IN SELECT * FROM ref_rules WHERE kind = row_kind LOOP
        target := row_fields ->> r.attr;
        IF target IS NULL THEN
            IF NOT r.optional THEN
                RETURN format('%s.%s is missing', row_kind, r.attr);
            END IF;
        ELSIF NOT EXISTS (SELECT 1 FROM entities e WHERE e.project_id = project AND e.kind = r.target
                          AND e.id = as_uuid(target) AND NOT e.deleted) THEN
            RETURN format('%s.%s refers to a %s that does not exist or was deleted (%s)', row_kind, r.attr, r.target,
                          target);
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- Would the relationship pred -> succ close a loop? (Does succ already reach pred, leaving out rel itself.)
CREATE FUNCTION makes_loop(project uuid, rel uuid, pred text, succ text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, bbschedule, pg_temp AS $$
    WITH RECURSIVE reach(node) AS (
        SELECT succ
        UNION
        SELECT e.fields ->> 'successor_id'
        FROM reach JOIN bbschedule.entities e
          ON e.project_id = project AND e.kind = 'relationship' AND NOT e.deleted AND e.id <> rel
         AND e.fields ->> 'predecessor_id' = reach.node
    )
    SELECT EXISTS (SELECT 1 FROM reach WHERE node = pred)
$$;

-- Kahn's algorithm, set-based, over the project's live relationships plus the bulk rows of the current push:
-- one pass for a batch of thousands of new links instead of one reachability walk each.
CREATE FUNCTION bulk_graph_has_loop(project uuid) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    front text[];
BEGIN
    DROP TABLE IF EXISTS pg_temp.kahn_edges, pg_temp.kahn_indeg;
    CREATE TEMP TABLE kahn_edges ON COMMIT DROP AS
        SELECT fields ->> 'predecessor_id' AS p, fields ->> 'successor_id' AS s
        FROM entities WHERE project_id = project AND kind = 'relationship' AND NOT deleted
        UNION ALL
        SELECT b.fields ->> 'predecessor_id', b.fields ->> 'successor_id'
        FROM pg_temp.push_batch b JOIN pg_temp.bulk_ords o USING (ord)
        WHERE o.kind = 'relationship' AND o.project_id = project;
    CREATE INDEX ON pg_temp.kahn_edges (p);
    CREATE TEMP TABLE kahn_indeg ON COMMIT DROP AS
        SELECT s AS node, count(*)::int AS n FROM pg_temp.kahn_edges GROUP BY s;
    ALTER TABLE pg_temp.kahn_indeg ADD PRIMARY KEY (node);
    ANALYZE pg_temp.kahn_edges;
    ANALYZE pg_temp.kahn_indeg;
    front := ARRAY(SELECT DISTINCT e.p FROM pg_temp.kahn_edges e
                   WHERE NOT EXISTS (SELECT 1 FROM pg_temp.kahn_indeg i WHERE i.node = e.p));
    WHILE cardinality(front) > 0 LOOP
        WITH x AS (SELECT e.s, count(*)::int AS c FROM pg_temp.kahn_edges e WHERE e.p = ANY (front) GROUP BY e.s),
             d AS (UPDATE pg_temp.kahn_indeg i SET n = i.n - x.c FROM x WHERE i.node = x.s RETURNING i.node, i.n)
        SELECT coalesce(array_agg(node) FILTER (WHERE n = 0), '{}') INTO front FROM d;
    END LOOP;
    RETURN EXISTS (SELECT 1 FROM pg_temp.kahn_indeg WHERE n > 0);
END $$;

CREATE FUNCTION row_json(e entities) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('fields', e.fields, 'rev', e.rev, 'deleted', e.deleted, 'updated_by', e.updated_by)
$$;

-- Writes that could make a dangling link or a loop (inserts, deletes, a changed reference) take turns per
-- project, so each check sees every committed change; plain field edits only lock their row.
CREATE FUNCTION lock_project(project uuid) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtextextended('bbschedule.push:' || project::text, 0))
$$;

-- One change. Returns {status, rev, reason, code, conflicts, row}.
CREATE FUNCTION apply_change(change uuid, project uuid, row_kind text, row_id uuid, base_rev bigint,
                             new_fields jsonb, tombstone boolean) RETURNS jsonb
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    role text := my_role(project);
    cur entities%ROWTYPE;
    have boolean;
    merged jsonb;
    lost jsonb := '[]';
    k text;
    v jsonb;
    problem text;
    new_rev bigint;
    r record;
BEGIN
    IF row_kind = 'project' AND row_id <> project THEN
        RETURN jsonb_build_object('status', 'refused', 'code', 'invalid', 'reason', 'a project row carries the project id');
    END IF;
    IF NOT tombstone AND jsonb_typeof(new_fields) IS DISTINCT FROM 'object' THEN
        RETURN jsonb_build_object('status', 'refused', 'code', 'invalid', 'reason', 'fields must be a JSON object');
    END IF;
    SELECT * INTO cur FROM entities e WHERE e.project_id = project AND e.kind = row_kind AND e.id = row_id FOR UPDATE;
    have := FOUND;
    IF NOT have OR tombstone OR EXISTS (SELECT 1 FROM ref_rules rr WHERE rr.kind = row_kind
                                        AND new_fields -> rr.attr IS DISTINCT FROM cur.fields -> rr.attr
                                        AND new_fields ? rr.attr) THEN
        PERFORM lock_project(project);
    END IF;

    -- A new project: whoever pushes it first becomes its admin.
    IF row_kind = 'project' AND NOT have AND NOT EXISTS (SELECT 1 FROM projects p WHERE p.id = project) THEN
        IF tombstone THEN
            RETURN jsonb_build_object('status', 'applied', 'rev', NULL, 'reason', 'nothing to delete');
        END IF;
        INSERT INTO projects (id, code) VALUES (project, coalesce(new_fields ->> 'code', ''));
        INSERT INTO memberships (project_id, user_name, role) VALUES (project, session_user, 'admin');
        INSERT INTO entities (project_id, kind, id, fields) VALUES (project, 'project', project, new_fields)
            RETURNING rev INTO new_rev;
        RETURN jsonb_build_object('status', 'applied', 'rev', new_rev);
    END IF;

    -- A member is sent the row as it stands, so their cache can take back the refused edit.
    IF role IS NULL THEN
        RETURN jsonb_build_object('status', 'refused', 'code', 'forbidden', 'reason', 'you are not a member of this project');
    ELSIF role = 'viewer' THEN
        RETURN jsonb_build_object('status', 'refused', 'code', 'forbidden', 'reason', 'viewers cannot change the project',
                                  'row', CASE WHEN have THEN row_json(cur) END);
    ELSIF row_kind = 'project' AND tombstone AND role <> 'admin' THEN
        RETURN jsonb_build_object('status', 'refused', 'code', 'forbidden', 'reason', 'only a project admin deletes it',
                                  'row', CASE WHEN have THEN row_json(cur) END);
    END IF;

    IF NOT have THEN
        IF tombstone THEN
            RETURN jsonb_build_object('status', 'applied', 'rev', NULL, 'reason', 'nothing to delete');
        END IF;
        problem := refs_problem(project, row_kind, new_fields);
        IF problem IS NOT NULL THEN
            RETURN jsonb_build_object('status', 'refused', 'code', 'dangling', 'reason', problem);
        END IF;
        IF row_kind = 'relationship'
           AND makes_loop(project, row_id, new_fields ->> 'predecessor_id', new_fields ->> 'successor_id') THEN
            RETURN jsonb_build_object('status', 'refused', 'code', 'loop', 'reason', 'the relationship would close a logic loop');
        END IF;
        INSERT INTO entities (project_id, kind, id, fields) VALUES (project, row_kind, row_id, new_fields)
            RETURNING rev INTO new_rev;
        RETURN jsonb_build_object('status', 'applied', 'rev', new_rev);
    END IF;

    IF cur.deleted THEN
        IF tombstone THEN
            RETURN jsonb_build_object('status', 'applied', 'rev', cur.rev, 'reason', 'already deleted');
        END IF;
        -- Delete beats edit: the edit is dropped and its author told, through the conflicts table.
        INSERT INTO conflicts (project_id, kind, row_id, field, reason, theirs, mine, user_name, other_user, change_id)
        VALUES (project, row_kind, row_id, '*', 'deleted', NULL, new_fields, session_user, cur.updated_by, change);
        RETURN jsonb_build_object('status', 'refused', 'code', 'deleted', 'row', row_json(cur),
                                  'reason', format('deleted by %s; your edit was not applied', cur.updated_by));
    END IF;

    IF tombstone THEN
        FOR r IN SELECT * FROM ref_rules WHERE target = row_kind AND NOT cascade LOOP
            IF EXISTS (SELECT 1 FROM entities e WHERE e.project_id = project AND e.kind = r.kind AND NOT e.deleted
                       AND e.fields ->> r.attr = row_id::text) THEN
                RETURN jsonb_build_object('status', 'refused', 'code', 'referenced', 'row', row_json(cur),
                                          'reason', format('still used by a %s (%s)', r.kind, r.attr));
            END IF;
        END LOOP;
        IF cur.rev > base_rev AND cur.updated_by <> session_user THEN
            INSERT INTO conflicts (project_id, kind, row_id, field, reason, theirs, mine, user_name, other_user, change_id)
            VALUES (project, row_kind, row_id, '*', 'deleted', NULL, cur.fields, cur.updated_by, session_user, change);
        END IF;
        FOR r IN SELECT * FROM ref_rules WHERE target = row_kind AND cascade LOOP
            UPDATE entities e SET deleted = true
            WHERE e.project_id = project AND e.kind = r.kind AND NOT e.deleted AND e.fields ->> r.attr = row_id::text;
        END LOOP;
        UPDATE entities e SET deleted = true WHERE e.project_id = project AND e.kind = row_kind AND e.id = row_id
            RETURNING rev INTO new_rev;
        RETURN jsonb_build_object('status', 'applied', 'rev', new_rev);
    END IF;

    -- Field-level merge against the base revision the client edited.
    merged := cur.fields;
    FOR k, v IN SELECT key, value FROM jsonb_each(new_fields) LOOP
        CONTINUE WHEN cur.fields -> k IS NOT DISTINCT FROM v;
        IF coalesce((cur.field_revs ->> k)::bigint, cur.created_rev) > base_rev THEN
            lost := lost || jsonb_build_object('field', k, 'theirs', cur.fields -> k, 'mine', v);
        ELSE
            merged := jsonb_set(merged, ARRAY[k], v);
        END IF;
    END LOOP;
    IF merged IS DISTINCT FROM cur.fields THEN
        IF row_kind <> 'project' THEN
            problem := refs_problem(project, row_kind, merged);
            IF problem IS NOT NULL THEN
                RETURN jsonb_build_object('status', 'refused', 'code', 'dangling', 'reason', problem, 'row', row_json(cur));
            END IF;
        END IF;
        IF row_kind = 'relationship'
           AND (merged ->> 'predecessor_id', merged ->> 'successor_id')
               IS DISTINCT FROM (cur.fields ->> 'predecessor_id', cur.fields ->> 'successor_id')
           AND makes_loop(project, row_id, merged ->> 'predecessor_id', merged ->> 'successor_id') THEN
            RETURN jsonb_build_object('status', 'refused', 'code', 'loop', 'row', row_json(cur),
                                      'reason', 'the relationship would close a logic loop');
        END IF;
        UPDATE entities e SET fields = merged WHERE e.project_id = project AND e.kind = row_kind AND e.id = row_id
            RETURNING rev INTO new_rev;
        IF row_kind = 'project' THEN
            UPDATE projects p SET code = coalesce(merged ->> 'code', p.code) WHERE p.id = project
                AND p.code IS DISTINCT FROM merged ->> 'code';
        END IF;
    ELSE
        new_rev := cur.rev;
    END IF;
    IF jsonb_array_length(lost) = 0 THEN
        RETURN jsonb_build_object('status', 'applied', 'rev', new_rev,
                                  -- false: others' edits were merged in, so the client must pull the row
                                  'exact', cur.rev <= base_rev);
    END IF;
    INSERT INTO conflicts (project_id, kind, row_id, field, reason, theirs, mine, user_name, other_user, change_id)
    SELECT project, row_kind, row_id, l ->> 'field', 'same_field', l -> 'theirs', l -> 'mine', session_user,
           cur.updated_by, change
    FROM jsonb_array_elements(lost) l;
    problem := format('%s changed the same field(s) since your base; theirs kept', cur.updated_by);
    SELECT * INTO cur FROM entities e WHERE e.project_id = project AND e.kind = row_kind AND e.id = row_id;
    RETURN jsonb_build_object('status', 'conflict', 'rev', new_rev, 'conflicts', lost, 'row', row_json(cur),
                              'reason', problem);
END $$;

CREATE FUNCTION push_in_order(project_rows_only boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    c record;
    res jsonb;
BEGIN
    FOR c IN SELECT * FROM pg_temp.push_batch b WHERE status IS NULL AND (kind = 'project' OR NOT project_rows_only)
             AND NOT EXISTS (SELECT 1 FROM pg_temp.bulk_ords o WHERE o.ord = b.ord) ORDER BY ord LOOP
        SELECT coalesce(a.result, jsonb_build_object('rev', a.rev))
               || jsonb_build_object('change_id', c.change_id, 'status', 'skipped', 'was', a.status)
            INTO res FROM applied_changes a WHERE a.change_id = c.change_id;
        IF res IS NULL THEN
            res := apply_change(c.change_id, c.project_id, c.kind, c.id, c.base_rev, c.fields, c.deleted)
                   || jsonb_build_object('change_id', c.change_id);
            -- A refusal for want of a role is not remembered: the same change may go through after a grant.
            IF res ->> 'code' IS DISTINCT FROM 'forbidden' THEN
                INSERT INTO applied_changes (change_id, project_id, status, rev, result)
                VALUES (c.change_id, c.project_id, res ->> 'status', (res ->> 'rev')::bigint, res);
            END IF;
        END IF;
        UPDATE pg_temp.push_batch SET status = res ->> 'status', rev = (res ->> 'rev')::bigint, result = res
        WHERE ord = c.ord;
        res := NULL;
    END LOOP;
END $$;

-- push: a batch of changes, applied in one transaction. Already-applied change ids are skipped. A large batch of brand-new rows
-- (a first sync) goes in set-based; everything else row by row, in the batch's order.
CREATE FUNCTION push(batch jsonb) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp SET work_mem = '64MB' AS $$
BEGIN
    IF jsonb_typeof(batch) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'push expects a JSON array of changes' USING ERRCODE = '22023';
    END IF;
    IF NOT pg_has_role(session_user, 'bbschedule_client', 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a BBSchedule user', session_user USING ERRCODE = '42501';
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'push runs in READ COMMITTED transactions' USING ERRCODE = '25000';
    END IF;
    DROP TABLE IF EXISTS pg_temp.push_batch;
    CREATE TEMP TABLE push_batch (
        ord bigint PRIMARY KEY, change_id uuid NOT NULL, project_id uuid NOT NULL, kind text NOT NULL,
        id uuid NOT NULL, base_rev bigint NOT NULL, fields jsonb, deleted boolean NOT NULL,
        status text, rev bigint, result jsonb
    ) ON COMMIT DROP;
    DROP TABLE IF EXISTS pg_temp.bulk_ords;
    CREATE TEMP TABLE bulk_ords (
        ord bigint PRIMARY KEY, project_id uuid NOT NULL, kind text NOT NULL, id uuid NOT NULL
    ) ON COMMIT DROP;
    CREATE INDEX ON pg_temp.bulk_ords (project_id, kind, id);
    INSERT INTO pg_temp.push_batch (ord, change_id, project_id, kind, id, base_rev, fields, deleted)
    SELECT e.ord, (e.c ->> 'change_id')::uuid, (e.c ->> 'project')::uuid, e.c ->> 'kind', (e.c ->> 'id')::uuid,
           coalesce((e.c ->> 'base_rev')::bigint, 0), e.c -> 'fields', coalesce((e.c ->> 'deleted')::boolean, false)
    FROM jsonb_array_elements(batch) WITH ORDINALITY AS e(c, ord);
    CREATE INDEX ON pg_temp.push_batch (project_id, kind, id);
    ANALYZE pg_temp.push_batch;

    UPDATE pg_temp.push_batch b SET status = 'refused',
        result = jsonb_build_object('change_id', b.change_id, 'status', 'refused', 'code', 'invalid',
                                    'reason', format('unknown kind %s', b.kind))
    WHERE b.kind NOT IN ('project', 'calendar', 'wbs', 'code_type', 'code_value', 'user_field', 'resource',
                         'activity', 'relationship', 'assignment', 'expense', 'baseline');
    UPDATE pg_temp.push_batch b SET status = 'skipped', rev = a.rev,
        result = coalesce(a.result, jsonb_build_object('rev', a.rev))
                 || jsonb_build_object('change_id', b.change_id, 'status', 'skipped', 'was', a.status)
    FROM applied_changes a WHERE a.change_id = b.change_id AND b.status IS NULL;

    -- Project rows first: a new project makes its creator an admin, which the other rows then need.
    PERFORM push_in_order(true);
    IF (SELECT count(*) FROM pg_temp.push_batch WHERE status IS NULL) >= 200 THEN
        PERFORM push_bulk();
    END IF;
    PERFORM push_in_order(false);
    RETURN coalesce((SELECT jsonb_agg(coalesce(b.result, jsonb_build_object('change_id', a.change_id,
                                                'status', a.status, 'rev', a.rev)) ORDER BY b.ord)
                     FROM pg_temp.push_batch b
                     LEFT JOIN applied_changes a ON b.result IS NULL AND a.change_id = b.change_id), '[]');
END $$;

-- The set-based part of push: new rows (id not on the server, once in the batch) whose references resolve
-- to live rows or to other such rows; relationships among them only when the whole graph stays loop-free.
-- Whatever does not qualify is left for the row-by-row pass, which gives the precise answer.
CREATE FUNCTION push_bulk() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    changed bigint;
    p uuid;
    writable uuid[];
BEGIN
    FOR p IN SELECT DISTINCT project_id FROM pg_temp.push_batch WHERE status IS NULL ORDER BY 1 LOOP
        PERFORM lock_project(p);
    END LOOP;
    writable := ARRAY(SELECT DISTINCT project_id FROM pg_temp.push_batch);
    writable := ARRAY(SELECT p2 FROM unnest(writable) p2 WHERE my_role(p2) IN ('planner', 'admin'));
    -- The candidates live in a narrow table of their own, so demoting one never rewrites a wide batch row.
    INSERT INTO pg_temp.bulk_ords (ord, project_id, kind, id)
    SELECT b.ord, b.project_id, b.kind, b.id
    FROM (SELECT ord, project_id, kind, id, deleted, jsonb_typeof(fields) AS shape,
                 count(*) OVER (PARTITION BY project_id, kind, id) AS n_id,
                 count(*) OVER (PARTITION BY change_id) AS n_change
          FROM pg_temp.push_batch WHERE status IS NULL) b
    WHERE b.n_id = 1 AND b.n_change = 1 AND NOT b.deleted AND b.kind <> 'project'
      AND b.shape = 'object' AND b.project_id = ANY (writable)
      AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.project_id = b.project_id AND e.kind = b.kind AND e.id = b.id);
    ANALYZE pg_temp.bulk_ords;
    LOOP
        WITH refs AS (
            SELECT o.ord, o.project_id, r.target, r.optional, b.fields ->> r.attr AS ref
            FROM pg_temp.bulk_ords o JOIN pg_temp.push_batch b USING (ord) JOIN ref_rules r ON r.kind = o.kind
        ), bad AS (
            SELECT DISTINCT refs.ord FROM refs
            -- Compared as text (canonical UUIDs): an id written otherwise only leaves the row to the exact pass.
            LEFT JOIN entities t ON t.project_id = refs.project_id AND t.kind = refs.target
                                AND t.id::text = refs.ref AND NOT t.deleted
            LEFT JOIN pg_temp.bulk_ords n ON n.project_id = refs.project_id AND n.kind = refs.target
                                         AND n.id::text = refs.ref
            WHERE CASE WHEN refs.ref IS NULL THEN NOT refs.optional ELSE t.id IS NULL AND n.id IS NULL END
        )
        DELETE FROM pg_temp.bulk_ords o USING bad WHERE o.ord = bad.ord;
        GET DIAGNOSTICS changed = ROW_COUNT;
        EXIT WHEN changed = 0;
    END LOOP;
    FOR p IN SELECT DISTINCT project_id FROM pg_temp.bulk_ords WHERE kind = 'relationship' LOOP
        IF (SELECT count(*) FROM pg_temp.bulk_ords WHERE kind = 'relationship' AND project_id = p) < 100
           OR bulk_graph_has_loop(p) THEN
            DELETE FROM pg_temp.bulk_ords WHERE kind = 'relationship' AND project_id = p;
        END IF;
    END LOOP;
    ANALYZE pg_temp.bulk_ords;
    WITH ins AS (
        INSERT INTO entities (project_id, kind, id, fields)
        SELECT b.project_id, b.kind, b.id, b.fields FROM pg_temp.push_batch b JOIN pg_temp.bulk_ords o USING (ord)
        ORDER BY b.ord
        RETURNING project_id, kind, id, rev
    )
    INSERT INTO applied_changes (change_id, project_id, status, rev, result)
    SELECT b.change_id, b.project_id, 'applied', ins.rev, NULL  -- a plain "applied": rebuilt from status and rev
    FROM ins JOIN pg_temp.bulk_ords o ON o.project_id = ins.project_id AND o.kind = ins.kind AND o.id = ins.id
    JOIN pg_temp.push_batch b ON b.ord = o.ord;
END $$;

-- pull: the project's rows changed after the cursor (txid, rev), oldest first, but only those written by
-- transactions older than every transaction still running: a transaction that commits late is never skipped.
CREATE FUNCTION pull(project uuid, after_txid xid8, after_rev bigint, page_size integer,
                     with_fields boolean DEFAULT true)
RETURNS TABLE (kind text, id uuid, fields jsonb, rev bigint, txid xid8, deleted boolean, updated_by text,
               updated_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    IF my_role(pull.project) IS NULL THEN
        RAISE EXCEPTION 'you are not a member of project %', pull.project USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.kind, e.id, CASE WHEN pull.with_fields THEN e.fields END, e.rev, e.txid, e.deleted, e.updated_by,
               e.updated_at
        FROM entities e
        WHERE e.project_id = pull.project AND (e.txid, e.rev) > (pull.after_txid, pull.after_rev)
          AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY e.txid, e.rev
        LIMIT least(greatest(pull.page_size, 1), 100000);
END $$;

-- fetch: the current version of given rows (a client that pulled keys only asks for the rows it lacks).
CREATE FUNCTION fetch_rows(project uuid, row_kinds text[], row_ids uuid[])
RETURNS TABLE (kind text, id uuid, fields jsonb, rev bigint, txid xid8, deleted boolean, updated_by text,
               updated_at timestamptz)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    IF my_role(fetch_rows.project) IS NULL THEN
        RAISE EXCEPTION 'you are not a member of project %', fetch_rows.project USING ERRCODE = '42501';
    END IF;
    RETURN QUERY
        SELECT e.kind, e.id, e.fields, e.rev, e.txid, e.deleted, e.updated_by, e.updated_at
        FROM unnest(row_kinds, row_ids) AS w(k, i)
        JOIN entities e ON e.project_id = fetch_rows.project AND e.kind = w.k AND e.id = w.i;
END $$;

-- hello: what a client checks at every sync (protocol, schema, incarnation) and the projects it may see.
CREATE FUNCTION hello() RETURNS jsonb
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
    SELECT jsonb_build_object(
        'protocol_version', (SELECT value::int FROM server_meta WHERE key = 'protocol_version'),
        'incarnation_id', (SELECT value FROM server_meta WHERE key = 'incarnation_id'),
        'schema_version', (SELECT max(version) FROM schema_version),
        'user', session_user,
        'projects', coalesce((SELECT jsonb_agg(jsonb_build_object('id', p.id, 'code', p.code, 'role', m.role)
                                               ORDER BY p.code)
                              FROM memberships m JOIN projects p ON p.id = m.project_id
                              WHERE m.user_name = session_user), '[]'))
$$;

CREATE FUNCTION resolve_conflict(conflict bigint) RETURNS boolean
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
    UPDATE conflicts SET resolved_at = now()
    WHERE id = conflict AND user_name = session_user AND resolved_at IS NULL
    RETURNING true
$$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA bbschedule FROM PUBLIC;
ALTER DEFAULT PRIVILEGES IN SCHEMA bbschedule REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT EXECUTE ON FUNCTION my_role(uuid), push(jsonb), pull(uuid, xid8, bigint, integer, boolean),
    fetch_rows(uuid, text[], uuid[]), hello(),
    resolve_conflict(bigint) TO bbschedule_client;
