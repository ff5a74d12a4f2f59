-- 0001: tables, stamping and audit triggers, row-level security.
-- Applied by `bbschedule server init` as the non-login owner role with search_path = bbschedule, pg_catalog.

CREATE TABLE server_meta (
    key text PRIMARY KEY,
    value text NOT NULL
);
INSERT INTO server_meta (key, value) VALUES
    ('protocol_version', '1'),
    ('incarnation_id', gen_random_uuid()::text),
    ('initialised_at', now()::text);

-- Which entity references which: used to refuse dangling links and to cascade deletes (delete beats edit).
CREATE TABLE ref_rules (
    kind text NOT NULL,
    attr text NOT NULL,
    target text NOT NULL,
    optional boolean NOT NULL,
    cascade boolean NOT NULL,
    PRIMARY KEY (kind, attr)
);
INSERT INTO ref_rules (kind, attr, target, optional, cascade) VALUES
    ('calendar', 'base_calendar_id', 'calendar', true, false),
    ('wbs', 'parent_id', 'wbs', true, false),
    ('code_value', 'type_id', 'code_type', false, true),
    ('code_value', 'parent_id', 'code_value', true, true),
    ('resource', 'calendar_id', 'calendar', true, false),
    ('resource', 'parent_id', 'resource', true, false),
    ('activity', 'calendar_id', 'calendar', false, false),
    ('activity', 'wbs_id', 'wbs', true, false),
    ('relationship', 'predecessor_id', 'activity', false, true),
    ('relationship', 'successor_id', 'activity', false, true),
    ('assignment', 'activity_id', 'activity', false, true),
    ('assignment', 'resource_id', 'resource', false, true),
    ('expense', 'activity_id', 'activity', false, true);

CREATE SEQUENCE rev_seq;

CREATE TABLE projects (
    id uuid PRIMARY KEY,
    code text NOT NULL,
    created_by text NOT NULL DEFAULT session_user,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'planner', 'admin')),
    granted_by text NOT NULL DEFAULT session_user,
    granted_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_name)
);
CREATE INDEX memberships_user ON memberships (user_name);

-- Every synced row of every kind (the project row itself has kind 'project' and id = project_id).
-- `fields` is the entity as JSON without its id; `field_revs` holds the rev at which each field last changed
-- (absent: unchanged since the row was created at `created_rev`), which is what field-level merge needs.
-- No foreign key to projects: push creates the project first and never deletes one, and a per-row RI check
-- costs a fifth of a first sync.
CREATE TABLE entities (
    project_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('project', 'calendar', 'wbs', 'code_type', 'code_value', 'user_field',
        'resource', 'activity', 'relationship', 'assignment', 'expense', 'baseline')),
    id uuid NOT NULL,
    fields jsonb NOT NULL,
    field_revs jsonb NOT NULL DEFAULT '{}',
    created_rev bigint NOT NULL DEFAULT 0,
    rev bigint NOT NULL DEFAULT 0,
    txid xid8 NOT NULL DEFAULT '0',
    updated_by text NOT NULL DEFAULT '',
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted boolean NOT NULL DEFAULT false,
    PRIMARY KEY (project_id, kind, id)
);
CREATE INDEX entities_pull ON entities (project_id, txid, rev);
CREATE INDEX entities_rel_pred ON entities (project_id, (fields ->> 'predecessor_id'))
    WHERE kind = 'relationship' AND NOT deleted;
CREATE INDEX entities_rel_succ ON entities (project_id, (fields ->> 'successor_id'))
    WHERE kind = 'relationship' AND NOT deleted;
CREATE INDEX entities_by_activity ON entities (project_id, kind, (fields ->> 'activity_id'))
    WHERE kind IN ('assignment', 'expense') AND NOT deleted;

CREATE TABLE applied_changes (
    change_id uuid PRIMARY KEY,
    project_id uuid,
    user_name text NOT NULL DEFAULT session_user,
    status text NOT NULL,
    rev bigint,
    result jsonb,                 -- NULL for a plain "applied" (status and rev say it all)
    applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE conflicts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id uuid NOT NULL,
    kind text NOT NULL,
    row_id uuid NOT NULL,
    field text NOT NULL,          -- '*' for a whole row (an edit that lost to a delete)
    reason text NOT NULL,         -- 'same_field' or 'deleted'
    theirs jsonb,
    mine jsonb,
    user_name text NOT NULL,      -- whose edit did not make it: the planner who gets told
    other_user text,
    change_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
CREATE INDEX conflicts_user ON conflicts (user_name, project_id) WHERE resolved_at IS NULL;

CREATE TABLE audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    who text NOT NULL DEFAULT session_user,
    txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    table_name text NOT NULL,
    op text NOT NULL,
    project_id uuid,
    row_key text NOT NULL,
    old jsonb,
    new jsonb
);
CREATE INDEX audit_project ON audit (project_id, id);

-- ---- stamping: the server, never the client, decides rev, txid, who and when -------------------------------
CREATE FUNCTION stamp_entity() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    k text;
BEGIN
    NEW.rev := nextval('bbschedule.rev_seq');
    NEW.txid := pg_current_xact_id();
    NEW.updated_by := session_user;
    NEW.updated_at := now();
    IF TG_OP = 'INSERT' THEN
        NEW.created_rev := NEW.rev;
        NEW.field_revs := '{}';
    ELSE
        NEW.project_id := OLD.project_id;
        NEW.kind := OLD.kind;
        NEW.id := OLD.id;
        NEW.created_rev := OLD.created_rev;
        NEW.field_revs := OLD.field_revs;
        FOR k IN SELECT key FROM jsonb_each(NEW.fields) n
                 WHERE n.value IS DISTINCT FROM OLD.fields -> n.key
                 UNION SELECT key FROM jsonb_each(OLD.fields) o WHERE NOT NEW.fields ? o.key
        LOOP
            NEW.field_revs := NEW.field_revs || jsonb_build_object(k, NEW.rev);
        END LOOP;
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER entities_stamp BEFORE INSERT OR UPDATE ON entities
    FOR EACH ROW EXECUTE FUNCTION stamp_entity();

-- ---- audit: statement-level with transition tables, so a first sync of 250k rows is one insert -----------
CREATE FUNCTION audit_entities() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO audit (table_name, op, project_id, row_key, old, new)
        SELECT TG_TABLE_NAME, 'INSERT', n.project_id, n.kind || ':' || n.id, NULL,
               jsonb_build_object('kind', n.kind, 'id', n.id, 'fields', n.fields, 'rev', n.rev, 'txid', n.txid,
                                  'updated_by', n.updated_by, 'updated_at', n.updated_at, 'deleted', n.deleted)
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

CREATE TRIGGER entities_audit_insert AFTER INSERT ON entities
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_entities();
CREATE TRIGGER entities_audit_update AFTER UPDATE ON entities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_entities();
CREATE TRIGGER entities_audit_delete AFTER DELETE ON entities
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_entities();

CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
DECLARE
    o jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    n jsonb := CASE WHEN TG_OP IN ('UPDATE', 'INSERT') THEN to_jsonb(NEW) END;
    proj text := coalesce(n ->> 'project_id', o ->> 'project_id', n ->> 'id', o ->> 'id');
BEGIN
    INSERT INTO audit (table_name, op, project_id, row_key, old, new)
    VALUES (TG_TABLE_NAME, TG_OP,
            CASE WHEN TG_TABLE_NAME IN ('projects', 'memberships') THEN proj::uuid END,
            coalesce(n, o) ->> CASE TG_TABLE_NAME WHEN 'memberships' THEN 'user_name'
                                                  WHEN 'server_meta' THEN 'key' ELSE 'id' END,
            o, n);
    RETURN NULL;
END $$;

CREATE TRIGGER projects_audit AFTER INSERT OR UPDATE OR DELETE ON projects
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER memberships_audit AFTER INSERT OR UPDATE OR DELETE ON memberships
    FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER server_meta_audit AFTER INSERT OR UPDATE OR DELETE ON server_meta
    FOR EACH ROW EXECUTE FUNCTION audit_row();

-- The audit trail is append-only for everyone but a superuser who drops the trigger on purpose.
CREATE FUNCTION audit_is_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, bbschedule, pg_temp AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail cannot be changed (% refused)', TG_OP USING ERRCODE = '42501';
END $$;

CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();

-- ---- identity and membership -------------------------------------------------------------------------------
-- session_user, never current_user or a settable variable: inside SECURITY DEFINER code current_user is the
-- owner, and a client could SET any custom variable it likes.
CREATE FUNCTION my_role(project uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, bbschedule, pg_temp AS $$
    SELECT role FROM bbschedule.memberships WHERE project_id = project AND user_name = session_user
$$;

-- ---- row-level security: enabled and forced everywhere; the owner sees all, clients see their projects ----
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['schema_version', 'server_meta', 'ref_rules', 'projects', 'memberships', 'entities',
                             'applied_changes', 'conflicts', 'audit']
    LOOP
        EXECUTE format('ALTER TABLE bbschedule.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE bbschedule.%I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY owner_all ON bbschedule.%I TO bbschedule_owner USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

CREATE POLICY client_read ON schema_version FOR SELECT TO bbschedule_client USING (true);
CREATE POLICY client_read ON server_meta FOR SELECT TO bbschedule_client USING (true);
CREATE POLICY client_read ON ref_rules FOR SELECT TO bbschedule_client USING (true);
CREATE POLICY member_read ON projects FOR SELECT TO bbschedule_client USING (my_role(id) IS NOT NULL);
CREATE POLICY member_read ON memberships FOR SELECT TO bbschedule_client
    USING (user_name = session_user OR my_role(project_id) = 'admin');
CREATE POLICY member_read ON entities FOR SELECT TO bbschedule_client USING (my_role(project_id) IS NOT NULL);
CREATE POLICY own_read ON applied_changes FOR SELECT TO bbschedule_client USING (user_name = session_user);
CREATE POLICY own_read ON conflicts FOR SELECT TO bbschedule_client
    USING (user_name = session_user OR my_role(project_id) = 'admin');
CREATE POLICY admin_read ON audit FOR SELECT TO bbschedule_client USING (my_role(project_id) = 'admin');

-- Clients read (through the policies above) and nothing else; every write goes through push().
REVOKE ALL ON ALL TABLES IN SCHEMA bbschedule FROM PUBLIC;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA bbschedule FROM PUBLIC;
GRANT USAGE ON SCHEMA bbschedule TO bbschedule_client;
GRANT SELECT ON ALL TABLES IN SCHEMA bbschedule TO bbschedule_client;
