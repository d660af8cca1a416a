-- Time-series support, decided once per database at migration time:
--   * TimescaleDB installed (or installable) -> time-series tables become hypertables;
--   * otherwise (PGlite, plain PostgreSQL) -> native range partitions by UTC day, a DEFAULT
--     partition so no row is ever rejected, and tradeops_ensure_partitions() to create upcoming
--     days ahead of time (run by the partition-maintenance job).
-- Everything here runs on PostgreSQL 15 and on PGlite (PostgreSQL 18, no extensions).

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    BEGIN
      CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXCEPTION WHEN OTHERS THEN
      -- Shipped but not loadable (not in shared_preload_libraries, or no privilege): fall back.
      RAISE WARNING 'timescaledb is available but could not be enabled (%); using native partitions', SQLERRM;
    END;
  END IF;
END
$$;

CREATE FUNCTION tradeops_timescaledb_enabled() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb')
$$;

-- Creates the partitions of a natively range-partitioned table for every UTC day from today to
-- today + days_ahead, and for every day that has rows sitting in the DEFAULT partition: those rows
-- are moved into the new partition, since PostgreSQL refuses to create a partition whose range
-- has rows in DEFAULT. Rows of other tables that reference the moved rows by foreign key are set
-- aside and put back around the move, so no ON DELETE action fires. Idempotent; returns one row
-- per partition created. A table that is not natively range-partitioned (a hypertable) is left
-- alone.
-- Runs of it serialise on an advisory lock (two at once on tables linked by a foreign key could
-- deadlock), and it gives up after lock_timeout rather than queue an ACCESS EXCLUSIVE request that
-- would stall every writer behind a long reader; the maintenance job retries.
CREATE FUNCTION tradeops_ensure_partitions(parent regclass, days_ahead integer DEFAULT 7)
RETURNS TABLE (partition_name text, moved_rows bigint)
LANGUAGE plpgsql
SET lock_timeout = '5s'
AS $$
DECLARE
  key_column text;
  parent_schema text;
  parent_table text;
  default_partition regclass;
  referencing_tables regclass[];
  referencing regclass;
  today date := (now() AT TIME ZONE 'UTC')::date;
  default_days date[] := '{}';
  day date;
  child text;
  lower_bound timestamptz;
  upper_bound timestamptz;
  fk record;
  stash text;
  stashes text[];
  stash_targets regclass[];
BEGIN
  IF days_ahead IS NULL OR days_ahead < 0 THEN
    RAISE EXCEPTION 'days_ahead must be a non-negative integer, got %', days_ahead;
  END IF;

  SELECT a.attname, n.nspname, c.relname, NULLIF(pt.partdefid, 0)::regclass
    INTO key_column, parent_schema, parent_table, default_partition
  FROM pg_partitioned_table pt
  JOIN pg_class c ON c.oid = pt.partrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
  WHERE pt.partrelid = parent AND pt.partstrat = 'r' AND pt.partnatts = 1;

  IF key_column IS NULL THEN
    RETURN;
  END IF;

  PERFORM pg_advisory_xact_lock(8390876139571081332);

  SELECT coalesce(array_agg(DISTINCT c.conrelid::regclass), '{}') INTO referencing_tables
  FROM pg_constraint c
  WHERE c.contype = 'f' AND c.confrelid = parent AND c.conparentid = 0 AND c.conrelid <> parent;

  IF default_partition IS NOT NULL THEN
    EXECUTE format('SELECT coalesce(array_agg(DISTINCT (%I AT TIME ZONE ''UTC'')::date), ''{}'') FROM %s',
                   key_column, default_partition)
      INTO default_days;
  END IF;

  FOR day IN
    SELECT d FROM (
      SELECT today + offset_days AS d FROM generate_series(0, days_ahead) AS offset_days
      UNION
      SELECT unnest(default_days)
    ) AS days
    ORDER BY d
  LOOP
    child := format('%s_p%s', parent_table, to_char(day, 'YYYYMMDD'));
    CONTINUE WHEN to_regclass(format('%I.%I', parent_schema, child)) IS NOT NULL;

    -- Referencing tables first (their writers check keys here), then the table itself: this keeps
    -- writers out while rows move, and a new partition of a referenced table changes the
    -- referencing tables' constraints anyway.
    FOREACH referencing IN ARRAY referencing_tables LOOP
      EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', referencing);
    END LOOP;
    EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', parent);
    CONTINUE WHEN to_regclass(format('%I.%I', parent_schema, child)) IS NOT NULL;

    lower_bound := day::timestamp AT TIME ZONE 'UTC';
    upper_bound := (day + 1)::timestamp AT TIME ZONE 'UTC';
    moved_rows := 0;
    stashes := '{}';
    stash_targets := '{}';

    IF default_partition IS NOT NULL THEN
      FOR fk IN
        SELECT c.conrelid::regclass AS referencing,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM unnest(c.conkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS referencing_columns,
               (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                  FROM unnest(c.confkey) WITH ORDINALITY AS k (attnum, ord)
                  JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS referenced_columns
        FROM pg_constraint c
        WHERE c.contype = 'f' AND c.confrelid = parent AND c.conparentid = 0 AND c.conrelid <> parent
        ORDER BY c.oid
      LOOP
        stash := format('tradeops_moving_refs_%s', cardinality(stashes) + 1);
        EXECUTE format('CREATE TEMPORARY TABLE %I (LIKE %s)', stash, fk.referencing);
        EXECUTE format('WITH moved AS (DELETE FROM %s WHERE (%s) IN (SELECT %s FROM %s WHERE %I >= $1 AND %I < $2) '
                       'RETURNING *) INSERT INTO %I SELECT * FROM moved',
                       fk.referencing, fk.referencing_columns, fk.referenced_columns, default_partition,
                       key_column, key_column, stash)
          USING lower_bound, upper_bound;
        stashes := stashes || stash;
        stash_targets := stash_targets || fk.referencing;
      END LOOP;

      EXECUTE format('CREATE TEMPORARY TABLE tradeops_moving_rows (LIKE %s)', parent);
      -- No partition covers this day yet, so every matching row is in DEFAULT; deleting through
      -- the parent keeps the column order of the parent.
      EXECUTE format('WITH moved AS (DELETE FROM %s WHERE %I >= $1 AND %I < $2 RETURNING *) '
                     'INSERT INTO tradeops_moving_rows SELECT * FROM moved',
                     parent, key_column, key_column)
        USING lower_bound, upper_bound;
      GET DIAGNOSTICS moved_rows = ROW_COUNT;
    END IF;

    EXECUTE format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)',
                   parent_schema, child, parent, lower_bound, upper_bound);

    IF default_partition IS NOT NULL THEN
      EXECUTE format('INSERT INTO %s SELECT * FROM tradeops_moving_rows', parent);
      DROP TABLE tradeops_moving_rows;
      FOR i IN 1 .. cardinality(stashes) LOOP
        EXECUTE format('INSERT INTO %s SELECT * FROM %I', stash_targets[i], stashes[i]);
        EXECUTE format('DROP TABLE %I', stashes[i]);
      END LOOP;
    END IF;

    partition_name := child;
    RETURN NEXT;
  END LOOP;
END
$$;

-- Creates a time-series table from its column and constraint definitions: a hypertable with daily
-- chunks under TimescaleDB, otherwise a table range-partitioned on time_column with a DEFAULT
-- partition and the partitions of the coming week.
CREATE FUNCTION tradeops_create_time_series(table_name text, time_column text, definition text)
RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF tradeops_timescaledb_enabled() THEN
    EXECUTE format('CREATE TABLE %I (%s)', table_name, definition);
    PERFORM create_hypertable(table_name::regclass, time_column::name, chunk_time_interval => interval '1 day');
  ELSE
    EXECUTE format('CREATE TABLE %I (%s) PARTITION BY RANGE (%I)', table_name, definition, time_column);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', table_name || '_default', table_name);
    PERFORM tradeops_ensure_partitions(table_name::regclass, 7);
  END IF;
END
$$;

-- For history tables whose rows must never change (audit trail, limit versions, trading states).
CREATE FUNCTION tradeops_reject_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP;
END
$$;
