-- The trading_decision event's fields that no column of 0002 holds, so that a stored decision gives
-- back the event exactly as it was published (forensics shows and replays it):
--   * event_timestamp: the event's `timestamp` text as published (`time` holds the same instant,
--     but not its offset or the digits it was written with);
--   * price, score, source: the event's optional extras;
--   * model_versions: specialist -> `name@version`, of which `model_version` is only a compact form.
-- All nullable: the extras are optional in the event, and rows written before this have none.

ALTER TABLE decisions
  ADD COLUMN event_timestamp text,
  ADD COLUMN price double precision,
  ADD COLUMN score double precision,
  ADD COLUMN model_versions jsonb,
  ADD COLUMN source text,
  ADD CONSTRAINT decisions_event_timestamp_check CHECK (event_timestamp IS NULL OR event_timestamp <> ''),
  ADD CONSTRAINT decisions_price_check CHECK (price IS NULL OR price > 0),
  ADD CONSTRAINT decisions_score_check CHECK (score IS NULL OR (score >= -1 AND score <= 1)),
  ADD CONSTRAINT decisions_model_versions_check CHECK (
    model_versions IS NULL OR jsonb_typeof(model_versions) = 'object'
  ),
  ADD CONSTRAINT decisions_source_check CHECK (source IS NULL OR source IN ('live', 'api'));
