-- The risk manager's persistent state (issue 5):
--   * trading_states.role: the role of whoever set the state (the kill switch's audit needs it);
--   * portfolio_fills: the journal of a portfolio's fills, numbered 1, 2, ... in booking order;
--   * portfolio_snapshots: a portfolio's whole state now and then, covering its fills up to seq;
--     a restart loads the latest snapshot and replays the fills after it;
--   * portfolio_leases: the single writer of each portfolio (the process whose pre-trade gate
--     approves its orders), a lease renewed while that process runs.

ALTER TABLE trading_states
  ADD COLUMN role text NOT NULL DEFAULT 'system',
  ADD CONSTRAINT trading_states_role_check CHECK (
    role IN ('trader', 'researcher', 'risk_officer', 'admin', 'system')
  );

CREATE TABLE portfolio_fills (
  portfolio_id text NOT NULL REFERENCES portfolios (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  seq bigint NOT NULL,
  time timestamptz NOT NULL,
  symbol text NOT NULL,
  side text NOT NULL,
  quantity bigint NOT NULL,
  price double precision NOT NULL,
  decision_id text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (portfolio_id, seq),
  CONSTRAINT portfolio_fills_seq_check CHECK (seq >= 1),
  CONSTRAINT portfolio_fills_symbol_check CHECK (symbol <> ''),
  CONSTRAINT portfolio_fills_side_check CHECK (side IN ('BUY', 'SELL')),
  CONSTRAINT portfolio_fills_quantity_check CHECK (quantity > 0),
  CONSTRAINT portfolio_fills_price_check CHECK (price > 0 AND price < 'Infinity'::float8)
);

CREATE TRIGGER portfolio_fills_append_only BEFORE UPDATE OR DELETE ON portfolio_fills
  FOR EACH ROW EXECUTE FUNCTION tradeops_reject_change();

CREATE TABLE portfolio_snapshots (
  id bigserial PRIMARY KEY,
  portfolio_id text NOT NULL REFERENCES portfolios (id) ON DELETE RESTRICT ON UPDATE CASCADE,
  seq bigint NOT NULL,
  time timestamptz NOT NULL,
  state jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT portfolio_snapshots_seq_check CHECK (seq >= 0),
  CONSTRAINT portfolio_snapshots_state_check CHECK (jsonb_typeof(state) = 'object')
);

CREATE INDEX portfolio_snapshots_portfolio_id_time_idx ON portfolio_snapshots (portfolio_id, time DESC, id DESC);

CREATE TABLE portfolio_leases (
  portfolio_id text PRIMARY KEY REFERENCES portfolios (id) ON DELETE CASCADE ON UPDATE CASCADE,
  holder text NOT NULL,
  expires_at timestamptz NOT NULL,
  acquired_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT portfolio_leases_holder_check CHECK (holder <> '')
);
