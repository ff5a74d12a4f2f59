-- 0004: a deleted project takes no more changes. Its project row tombstoned, every change a member sends for it
-- (an edit, a new row, a row's deletion) is refused before anything is written, with a reason naming who deleted
-- the project. The refusal carries no row and the code 'forbidden' (so it is not remembered as applied): the
-- client keeps the edit here, pending, and the pull that follows marks the project deleted (detached), which is
-- how the planner is told. No conflict row: there is nothing to pick between, the whole project is gone (and an
-- open conflict would hide the "local only" mark). bulk_push refuses the whole batch.

-- Who deleted the project (NULL: it is live or not on the server). `share`: lock the project row FOR SHARE, so a
-- deletion being committed is waited for and one not begun waits for this transaction: delete beats edit, whole.
CREATE FUNCTION project_deleted_by(project uuid, share boolean) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    gone boolean;
    who text;
BEGIN
    IF share THEN
        SELECT e.deleted, e.updated_by INTO gone, who FROM entities e
        WHERE e.project_id = project AND e.kind = 'project' AND e.id = project FOR SHARE;
    ELSE
        SELECT e.deleted, e.updated_by INTO gone, who FROM entities e
        WHERE e.project_id = project AND e.kind = 'project' AND e.id = project;
    END IF;
    RETURN CASE WHEN gone THEN coalesce(who, '') END;
END $$;

-- The answer to one change of a deleted project.
CREATE FUNCTION refuse_in_deleted_project(deleted_by text) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('status', 'refused', 'code', 'forbidden', 'project_deleted', true,
                              'reason', format('the project was deleted by %s; your change was not applied',
                                               deleted_by))
$$;

-- As in 0002, with the project's state checked first. A change of the project row itself is left to
-- apply_change (it locks that row FOR UPDATE, and an admin's second deletion is "already deleted"); only an edit
-- of a project row already deleted is refused here, without lock (a share lock then an update lock on the same
-- row by two pushers would deadlock).
CREATE OR REPLACE FUNCTION push_in_order(project_rows_only boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    c record;
    res jsonb;
    gone_by text;
    live uuid[] := '{}';     -- projects found live and share-locked: live until this transaction ends
    gone jsonb := '{}';      -- deleted projects, and by whom (a deletion is never undone by a push)
BEGIN
    FOR c IN SELECT * FROM pg_temp.push_batch b WHERE status IS NULL AND (kind = 'project' OR NOT project_rows_only)
             AND NOT EXISTS (SELECT 1 FROM pg_temp.bulk_ords o WHERE o.ord = b.ord) ORDER BY ord LOOP
        SELECT coalesce(a.result, jsonb_build_object('rev', a.rev))
               || jsonb_build_object('change_id', c.change_id, 'status', 'skipped', 'was', a.status)
            INTO res FROM applied_changes a WHERE a.change_id = c.change_id;
        IF res IS NULL THEN
            -- Looked up once per project and call, not per change: a batch of plain edits pays one lookup.
            IF gone ? c.project_id::text THEN
                gone_by := gone ->> c.project_id::text;
            ELSIF c.project_id = ANY (live) THEN
                gone_by := NULL;
            ELSE
                gone_by := project_deleted_by(c.project_id, c.kind <> 'project');
                IF gone_by IS NOT NULL THEN
                    gone := gone || jsonb_build_object(c.project_id::text, gone_by);
                ELSIF c.kind <> 'project' THEN
                    live := live || c.project_id;
                END IF;
            END IF;
            -- Non-members and viewers get apply_change's own answer (a viewer's carries the row to set back).
            IF gone_by IS NOT NULL AND NOT (c.kind = 'project' AND c.deleted)
               AND my_role(c.project_id) IN ('planner', 'admin') THEN
                res := refuse_in_deleted_project(gone_by)
                       || jsonb_build_object('change_id', c.change_id);
            ELSE
                res := apply_change(c.change_id, c.project_id, c.kind, c.id, c.base_rev, c.fields, c.deleted)
                       || jsonb_build_object('change_id', c.change_id);
            END IF;
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

-- As in 0002, but a deleted project's rows are never bulk candidates (the row-by-row pass refuses them), and
-- each project row is share-locked before the project's advisory lock (the order apply_change takes them in).
CREATE OR REPLACE FUNCTION push_bulk() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    changed bigint;
    p uuid;
    writable uuid[] := '{}';
BEGIN
    FOR p IN SELECT DISTINCT project_id FROM pg_temp.push_batch WHERE status IS NULL ORDER BY 1 LOOP
        IF project_deleted_by(p, true) IS NULL AND my_role(p) IN ('planner', 'admin') THEN
            writable := writable || p;
        END IF;
        PERFORM lock_project(p);
    END LOOP;
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

-- bulk_push: 0003's checks and writes stay as they are, under the name bulk_push_checked (no longer a client's
-- door); the door checks first that the project is not deleted. Its refusal, like every bulk refusal, sends the
-- client to push(), which answers each change as above.
ALTER FUNCTION bulk_push(uuid) RENAME TO bulk_push_checked;
REVOKE ALL ON FUNCTION bulk_push_checked(uuid) FROM PUBLIC, bbschedule_client;

CREATE FUNCTION bulk_push(project uuid) RETURNS jsonb
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    gone_by text;
BEGIN
    IF NOT pg_has_role(session_user, 'bbschedule_client', 'MEMBER') THEN
        RAISE EXCEPTION 'role % is not a BBSchedule user', session_user USING ERRCODE = '42501';
    END IF;
    gone_by := project_deleted_by(project, true);  -- locked before bulk_push_checked's lock_project, as in push
    IF gone_by IS NOT NULL THEN
        RETURN bulk_refusal('deleted', format('the project was deleted by %s; use push()', gone_by));
    END IF;
    RETURN bulk_push_checked(project);
END $$;

REVOKE ALL ON FUNCTION project_deleted_by(uuid, boolean), refuse_in_deleted_project(text),
    bulk_push(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION bulk_push(uuid) TO bbschedule_client;
