import { formatDateTime } from "./format-date-time";
import type { Tone } from "./status-pill";

/** The kill switch's three positions, least to most restrictive. */
export type TradingStateName = "ACTIVE" | "REDUCING" | "HALTED";

export interface TradingStateView {
  readonly state: TradingStateName;
  /** Who set it: a user's e-mail or id, or `system`. */
  readonly setBy: string;
  readonly role: string;
  readonly reason: string;
  /** Epoch milliseconds. */
  readonly time: number;
}

const tones: Readonly<Record<TradingStateName, Tone>> = { ACTIVE: "ok", REDUCING: "warn", HALTED: "bad" };

const meanings: Readonly<Record<TradingStateName, string>> = {
  ACTIVE: "every control applies as usual",
  REDUCING: "only trades that reduce a position pass",
  HALTED: "kill switch: no trade passes",
};

export function tradingStateTone(state: TradingStateName): Tone {
  return tones[state];
}

/** The trading state in force, large and coloured, with who set it, when and why. */
export function TradingStateDisplay({ state }: { state: TradingStateView }) {
  const tone = tradingStateTone(state.state);
  return (
    <div className="ui-trading-state" data-testid="trading-state" data-state={state.state} data-tone={tone}>
      <output className={`ui-trading-state-name ui-tone-${tone}`} aria-label="Trading state in force">
        {state.state}
      </output>
      <p className="ui-trading-state-meaning muted">{meanings[state.state]}</p>
      <dl className="ui-trading-state-facts">
        <div>
          <dt>Set by</dt>
          <dd data-testid="trading-state-set-by">
            {state.setBy} <span className="muted">({state.role})</span>
          </dd>
        </div>
        <div>
          <dt>Since</dt>
          <dd className="mono" data-value={state.time}>
            {formatDateTime(state.time)} UTC
          </dd>
        </div>
        <div>
          <dt>Reason</dt>
          <dd data-testid="trading-state-reason">{state.reason}</dd>
        </div>
      </dl>
    </div>
  );
}
