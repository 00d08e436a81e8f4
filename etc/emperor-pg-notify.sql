-- Vassals in PostgreSQL for emperor = pg://... (README, "Running a fleet").
--
-- The table emperor_pg's default query reads (SELECT name,config,EXTRACT(epoch FROM ts) FROM vassals),
-- with the optional Tyrant columns (uid, gid), the on-demand socket and a host column for per-host queries.
-- A changed row needs a newer ts to reload its vassal: the trigger below sets it on every UPDATE.
CREATE TABLE IF NOT EXISTS vassals (
    name   text NOT NULL,              -- app1.ini: the extension picks the config format
    config text,                       -- the whole vassal config (at most 65535 bytes)
    ts     timestamptz NOT NULL DEFAULT now(),
    uid    int,                        -- Tyrant mode only: who the vassal runs as (0 refused)
    gid    int,
    socket text,                       -- on-demand socket, NULL or '' for a normal vassal
    host   text                        -- which Emperor runs it (WHERE host = '%h' in the query)
);

-- emperor-pg-channel = emperor_vassals: one NOTIFY per changing statement wakes every listening Emperor, which
-- then runs its query at once (the emperor-freq poll stays as the safety net). The payload is not read.
CREATE OR REPLACE FUNCTION emperor_vassals_touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.ts := greatest(NEW.ts, now(), OLD.ts + interval '1 microsecond');
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION emperor_vassals_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('emperor_vassals', TG_OP);
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS emperor_vassals_touch ON vassals;
CREATE TRIGGER emperor_vassals_touch BEFORE UPDATE ON vassals
    FOR EACH ROW WHEN (OLD.config IS DISTINCT FROM NEW.config OR OLD.uid IS DISTINCT FROM NEW.uid
                       OR OLD.gid IS DISTINCT FROM NEW.gid OR OLD.socket IS DISTINCT FROM NEW.socket)
    EXECUTE FUNCTION emperor_vassals_touch();

DROP TRIGGER IF EXISTS emperor_vassals_notify ON vassals;
CREATE TRIGGER emperor_vassals_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON vassals
    FOR EACH STATEMENT EXECUTE FUNCTION emperor_vassals_notify();
