-- The platform's tables. prisma/schema.prisma describes the same tables to Prisma Client;
-- src/schema-agreement.test.ts fails when the two drift apart.
-- Time-series tables are created through tradeops_create_time_series (0001): their primary keys
-- include the time column, as both partitioned tables and hypertables require.

-- ---------------------------------------------------------------------------------------------
-- Users and access
-- ---------------------------------------------------------------------------------------------

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL,
  display_name text NOT NULL,
  role text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled_at timestamptz,
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_email_check CHECK (email = lower(email) AND email LIKE '_%@_%'),
  CONSTRAINT users_display_name_check CHECK (display_name <> ''),
  CONSTRAINT users_role_check CHECK (role IN ('trader', 'researcher', 'risk_officer', 'admin'))
);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  key_hash char(64) NOT NULL,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  last_used_at timestamptz,
  CONSTRAINT api_keys_prefix_key UNIQUE (prefix),
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
  CONSTRAINT api_keys_prefix_check CHECK (length(prefix) >= 6),
  CONSTRAINT api_keys_key_hash_check CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  CONSTRAINT api_keys_expiry_check CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);

-- ---------------------------------------------------------------------------------------------
-- Experiment tracking (the spec's "Schema Design"; NOT NULL added where a missing value would be
-- meaningless, and the probability sum compared with a tolerance: floating-point sums of
-- probabilities are rarely exactly 1.0)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE experiments (
  id serial PRIMARY KEY,
  experiment_name varchar(255) NOT NULL,
  model_type varchar(100) NOT NULL,
  config jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  status varchar(50) NOT NULL DEFAULT 'running',
  created_by text,
  CONSTRAINT experiments_experiment_name_check CHECK (experiment_name <> ''),
  CONSTRAINT experiments_model_type_check CHECK (model_type <> ''),
  CONSTRAINT experiments_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled'))
);

CREATE INDEX experiments_model_type_created_at_idx ON experiments (model_type, created_at DESC);

SELECT tradeops_create_time_series('experiment_metrics', 'time', $definition$
  id bigserial NOT NULL,
  time timestamptz NOT NULL,
  experiment_id integer NOT NULL REFERENCES experiments (id) ON DELETE CASCADE ON UPDATE CASCADE,
  metric_name varchar(100) NOT NULL,
  metric_value double precision NOT NULL,
  step integer,
  epoch integer,
  PRIMARY KEY (id, time),
  CONSTRAINT experiment_metrics_step_check CHECK (step IS NULL OR step >= 0),
  CONSTRAINT experiment_metrics_epoch_check CHECK (epoch IS NULL OR epoch >= 0)
$definition$);

CREATE INDEX idx_exp_metrics_name ON experiment_metrics (experiment_id, metric_name, time DESC);

CREATE TABLE model_checkpoints (
  id serial PRIMARY KEY,
  experiment_id integer NOT NULL REFERENCES experiments (id) ON DELETE CASCADE ON UPDATE CASCADE,
  checkpoint_path varchar(500) NOT NULL,
  sharpe_ratio double precision,
  validation_loss double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  is_production boolean NOT NULL DEFAULT false,
  file_size_mb double precision,
  CONSTRAINT model_checkpoints_file_size_mb_check CHECK (file_size_mb IS NULL OR file_size_mb >= 0)
);

CREATE INDEX model_checkpoints_experiment_id_created_at_idx ON model_checkpoints (experiment_id, created_at DESC);

SELECT tradeops_create_time_series('regime_history', 'time', $definition$
  time timestamptz NOT NULL,
  symbol text NOT NULL DEFAULT 'MARKET',
  prob_bull double precision NOT NULL,
  prob_bear double precision NOT NULL,
  prob_sideways double precision NOT NULL,
  entropy double precision,
  model_version text,
  PRIMARY KEY (symbol, time),
  CONSTRAINT regime_history_prob_bull_check CHECK (prob_bull >= 0 AND prob_bull <= 1),
  CONSTRAINT regime_history_prob_bear_check CHECK (prob_bear >= 0 AND prob_bear <= 1),
  CONSTRAINT regime_history_prob_sideways_check CHECK (prob_sideways >= 0 AND prob_sideways <= 1),
  CONSTRAINT regime_history_prob_sum_check CHECK (abs(prob_bull + prob_bear + prob_sideways - 1.0) <= 1e-6),
  CONSTRAINT regime_history_entropy_check CHECK (entropy IS NULL OR entropy >= 0),
  CONSTRAINT regime_history_symbol_check CHECK (symbol <> '')
$definition$);

-- ---------------------------------------------------------------------------------------------
-- Market data
-- ---------------------------------------------------------------------------------------------

CREATE TABLE symbols (
  symbol text PRIMARY KEY,
  name text NOT NULL,
  sector text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT symbols_symbol_check CHECK (symbol ~ '^[A-Z0-9][A-Z0-9._/-]{0,31}$')
);

SELECT tradeops_create_time_series('market_bars', 'time', $definition$
  symbol text NOT NULL REFERENCES symbols (symbol) ON DELETE RESTRICT ON UPDATE CASCADE,
  timeframe text NOT NULL,
  time timestamptz NOT NULL,
  open double precision NOT NULL,
  high double precision NOT NULL,
  low double precision NOT NULL,
  close double precision NOT NULL,
  volume double precision NOT NULL,
  PRIMARY KEY (symbol, timeframe, time),
  CONSTRAINT market_bars_timeframe_check CHECK (timeframe IN ('1min', '5min', '1hour', '1day')),
  CONSTRAINT market_bars_price_check CHECK (
    low > 0 AND low <= open AND low <= close AND high >= open AND high >= close
  ),
  CONSTRAINT market_bars_volume_check CHECK (volume >= 0)
$definition$);

SELECT tradeops_create_time_series('rejected_ticks', 'received_at', $definition$
  id bigserial NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  source text NOT NULL,
  symbol text,
  reason text NOT NULL,
  raw jsonb NOT NULL,
  PRIMARY KEY (id, received_at)
$definition$);

CREATE INDEX rejected_ticks_symbol_received_at_idx ON rejected_ticks (symbol, received_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Decisions and their explanations
-- ---------------------------------------------------------------------------------------------

SELECT tradeops_create_time_series('decisions', 'time', $definition$
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  time timestamptz NOT NULL,
  symbol text NOT NULL REFERENCES symbols (symbol) ON DELETE RESTRICT ON UPDATE CASCADE,
  action text NOT NULL,
  quantity double precision NOT NULL,
  confidence double precision NOT NULL,
  prob_bull double precision NOT NULL,
  prob_bear double precision NOT NULL,
  prob_sideways double precision NOT NULL,
  regime_entropy double precision,
  strategy_weights jsonb NOT NULL,
  features jsonb NOT NULL,
  risk_checks jsonb NOT NULL,
  risk_approved boolean,
  model_version text NOT NULL,
  latency_ms double precision,
  execution jsonb,
  PRIMARY KEY (id, time),
  CONSTRAINT decisions_action_check CHECK (action IN ('BUY', 'SELL', 'HOLD')),
  CONSTRAINT decisions_quantity_check CHECK (quantity >= 0),
  CONSTRAINT decisions_confidence_check CHECK (confidence >= 0 AND confidence <= 1),
  CONSTRAINT decisions_probs_check CHECK (
    prob_bull >= 0 AND prob_bull <= 1 AND prob_bear >= 0 AND prob_bear <= 1
    AND prob_sideways >= 0 AND prob_sideways <= 1
    AND abs(prob_bull + prob_bear + prob_sideways - 1.0) <= 1e-6
  ),
  CONSTRAINT decisions_regime_entropy_check CHECK (regime_entropy IS NULL OR regime_entropy >= 0),
  CONSTRAINT decisions_latency_ms_check CHECK (latency_ms IS NULL OR latency_ms >= 0),
  CONSTRAINT decisions_json_check CHECK (
    jsonb_typeof(strategy_weights) = 'object' AND jsonb_typeof(features) = 'object'
    AND jsonb_typeof(risk_checks) = 'object'
  )
$definition$);

CREATE INDEX decisions_symbol_time_idx ON decisions (symbol, time DESC);

SELECT tradeops_create_time_series('decision_explanations', 'decision_time', $definition$
  decision_id uuid NOT NULL,
  decision_time timestamptz NOT NULL,
  shap_values jsonb NOT NULL,
  base_value double precision NOT NULL,
  model_output double precision NOT NULL,
  regime_reasoning text NOT NULL,
  strategy_selection text NOT NULL,
  computed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (decision_id, decision_time),
  -- Between hypertables this needs TimescaleDB 2.16 or later.
  FOREIGN KEY (decision_id, decision_time) REFERENCES decisions (id, time) ON DELETE CASCADE ON UPDATE CASCADE,
  CONSTRAINT decision_explanations_shap_values_check CHECK (jsonb_typeof(shap_values) = 'object')
$definition$);

-- ---------------------------------------------------------------------------------------------
-- Audit trail (append-only)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  time timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  action text NOT NULL,
  entity_type text NOT NULL,
  entity_id text NOT NULL,
  before jsonb,
  after jsonb,
  reason text,
  CONSTRAINT audit_events_actor_check CHECK (actor <> ''),
  CONSTRAINT audit_events_action_check CHECK (action <> '')
);

CREATE INDEX audit_events_entity_time_idx ON audit_events (entity_type, entity_id, time DESC);
CREATE INDEX audit_events_time_idx ON audit_events (time DESC);
CREATE INDEX audit_events_actor_time_idx ON audit_events (actor, time DESC);

CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION tradeops_reject_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION tradeops_reject_change();

-- ---------------------------------------------------------------------------------------------
-- Model registry
-- ---------------------------------------------------------------------------------------------

CREATE TABLE registered_models (
  name text PRIMARY KEY,
  description text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT registered_models_name_check CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,99}$')
);

CREATE TABLE model_versions (
  model_name text NOT NULL REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE,
  version integer NOT NULL,
  artifact_key text NOT NULL,
  sha256 char(64) NOT NULL,
  metrics jsonb NOT NULL DEFAULT '{}',
  stage text NOT NULL DEFAULT 'none',
  experiment_id integer REFERENCES experiments (id) ON DELETE SET NULL ON UPDATE CASCADE,
  data_hash text,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, version),
  CONSTRAINT model_versions_version_check CHECK (version >= 1),
  CONSTRAINT model_versions_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  CONSTRAINT model_versions_stage_check CHECK (stage IN ('none', 'staging', 'production', 'archived')),
  CONSTRAINT model_versions_metrics_check CHECK (jsonb_typeof(metrics) = 'object'),
  CONSTRAINT model_versions_artifact_key_check CHECK (artifact_key <> '')
);

CREATE INDEX model_versions_model_name_stage_idx ON model_versions (model_name, stage);
-- At most one version of a model is in the production stage.
CREATE UNIQUE INDEX model_versions_one_production_idx ON model_versions (model_name) WHERE stage = 'production';

CREATE TABLE model_aliases (
  model_name text NOT NULL,
  alias text NOT NULL,
  version integer NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT model_aliases_alias_check CHECK (alias ~ '^[a-z][a-z0-9_-]{0,31}$')
);

CREATE TABLE traffic_splits (
  id serial PRIMARY KEY,
  model_name text NOT NULL,
  version integer NOT NULL,
  weight double precision NOT NULL,
  kind text NOT NULL,
  starts_at timestamptz NOT NULL DEFAULT now(),
  ends_at timestamptz,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version) ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT traffic_splits_weight_check CHECK (weight > 0 AND weight <= 1),
  CONSTRAINT traffic_splits_kind_check CHECK (kind IN ('ab', 'canary')),
  CONSTRAINT traffic_splits_window_check CHECK (ends_at IS NULL OR ends_at > starts_at)
);

CREATE INDEX traffic_splits_model_name_starts_at_idx ON traffic_splits (model_name, starts_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Portfolios and risk (limit versions and trading states are history: append-only)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE portfolios (
  id text PRIMARY KEY,
  name text NOT NULL,
  base_currency char(3) NOT NULL DEFAULT 'USD',
  initial_capital numeric(20, 4) NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT portfolios_id_check CHECK (id ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
  CONSTRAINT portfolios_base_currency_check CHECK (base_currency ~ '^[A-Z]{3}$'),
  CONSTRAINT portfolios_initial_capital_check CHECK (initial_capital >= 0)
);

CREATE TABLE risk_limit_sets (
  id serial PRIMARY KEY,
  portfolio_id text NOT NULL REFERENCES portfolios (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  version integer NOT NULL,
  limits jsonb NOT NULL,
  effective_from timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  reason text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT risk_limit_sets_portfolio_id_version_key UNIQUE (portfolio_id, version),
  CONSTRAINT risk_limit_sets_version_check CHECK (version >= 1),
  CONSTRAINT risk_limit_sets_limits_check CHECK (jsonb_typeof(limits) = 'object'),
  CONSTRAINT risk_limit_sets_reason_check CHECK (reason <> '')
);

CREATE INDEX risk_limit_sets_portfolio_id_effective_from_idx ON risk_limit_sets (portfolio_id, effective_from DESC);

CREATE TRIGGER risk_limit_sets_append_only BEFORE UPDATE OR DELETE ON risk_limit_sets
  FOR EACH ROW EXECUTE FUNCTION tradeops_reject_change();
CREATE TRIGGER risk_limit_sets_no_truncate BEFORE TRUNCATE ON risk_limit_sets
  FOR EACH STATEMENT EXECUTE FUNCTION tradeops_reject_change();

CREATE TABLE trading_states (
  id bigserial PRIMARY KEY,
  portfolio_id text NOT NULL REFERENCES portfolios (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  state text NOT NULL,
  set_by text NOT NULL,
  reason text NOT NULL,
  time timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT trading_states_state_check CHECK (state IN ('ACTIVE', 'REDUCING', 'HALTED')),
  CONSTRAINT trading_states_reason_check CHECK (reason <> '')
);

CREATE INDEX trading_states_portfolio_id_time_idx ON trading_states (portfolio_id, time DESC);

CREATE TRIGGER trading_states_append_only BEFORE UPDATE OR DELETE ON trading_states
  FOR EACH ROW EXECUTE FUNCTION tradeops_reject_change();
CREATE TRIGGER trading_states_no_truncate BEFORE TRUNCATE ON trading_states
  FOR EACH STATEMENT EXECUTE FUNCTION tradeops_reject_change();

-- ---------------------------------------------------------------------------------------------
-- Background jobs
-- ---------------------------------------------------------------------------------------------

CREATE TABLE jobs (
  id text PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'queued',
  attempts integer NOT NULL DEFAULT 0,
  result jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT jobs_state_check CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
  CONSTRAINT jobs_attempts_check CHECK (attempts >= 0)
);

CREATE INDEX jobs_state_created_at_idx ON jobs (state, created_at);
CREATE INDEX jobs_kind_created_at_idx ON jobs (kind, created_at DESC);
