"use client";

import { useQuery } from "@tanstack/react-query";
import type { AppRouter } from "@tradeops/api";
import {
  AuditTrailTable,
  CorrelationMatrix,
  EmptyState,
  formatDateTime,
  formatFixed,
  formatPercent,
  formatQuantity,
  HrpWeightsChart,
  Panel,
  RiskAlertsList,
  RiskUtilisation,
  Stat,
  StatusPill,
  TradingStateDisplay,
} from "@tradeops/ui";
import type { inferRouterOutputs } from "@trpc/server";
import { useTRPC } from "../trpc/trpc-context";
import { ApiKeyGate } from "./api-key-gate";
import { ErrorMessage } from "./error-message";
import { formatLimitValue, limitPathLabel } from "./risk-limit-fields";
import { RiskLimitsForm } from "./risk-limits-form";
import { alertRows, utilisationRows } from "./risk-overview-rows";
import { TradingStateControl } from "./trading-state-control";
import "./risk.css";

type Overview = inferRouterOutputs<AppRouter>["risk"]["overview"];
type RiskState = NonNullable<Overview["state"]>;

function money(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const dollars = Math.round(value);
  return `${dollars < 0 ? "−" : ""}$${formatQuantity(Math.abs(dollars))}`;
}

function figure(value: number | null, digits: number): string {
  return value === null ? "—" : formatFixed(value, digits);
}

function RiskStateStats({ state }: { state: RiskState }) {
  const m = state.risk_metrics;
  return (
    <div className="stats" data-testid="risk-metrics">
      <Stat
        label="VaR 95% 1-day"
        value={money(m.var_95_1d)}
        hint={`historical, ${m.observations.var_scenarios} scenarios; parametric ${money(m.var_95_1d_parametric)}`}
      />
      <Stat label="Beta" value={figure(m.portfolio_beta, 2)} hint={`${m.observations.beta_bars} bars`} />
      <Stat label="Sharpe 7d" value={figure(m.sharpe_ratio_7d, 2)} hint="annualised" />
      <Stat label="Max drawdown 30d" value={m.max_drawdown_30d === null ? "—" : formatPercent(m.max_drawdown_30d)} />
      <Stat
        label="Total value"
        value={money(state.portfolio.total_value)}
        hint={`cash ${money(state.portfolio.cash)}`}
      />
      <Stat label="Daily P&L" value={money(state.daily_pnl)} hint={`realised ${money(state.realized_pnl)}`} />
      <Stat label="Positions" value={String(Object.keys(state.portfolio.positions).length)} />
      <Stat label="Last updated" value={`${formatDateTime(Date.parse(state.last_updated))} UTC`} />
    </div>
  );
}

const auditFormat = { label: limitPathLabel, value: formatLimitValue };

const waitingForState = "Waiting for the first risk state (the decisions role publishes one every 10 s).";

/**
 * The risk officer's page: the trading state and its switch, the API key, the limits and their
 * audit trail, the published risk state, HRP targets and alerts, all from `risk.overview`, polled
 * every second so a change made anywhere shows within a second.
 */
export function RiskDashboard() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.risk.overview.queryOptions(undefined, { refetchInterval: 1_000 }));
  const data = overview.data;
  const state = data?.state ?? null;
  const controls = data?.controls;
  const critical = data?.alerts.filter((alert) => alert.severity === "CRITICAL").length ?? 0;

  return (
    <div className="risk-page">
      <div className="grid risk-row risk-row-wide">
        <Panel
          title="Trading state"
          aside={
            overview.isError && data !== undefined ? (
              <StatusPill tone="warn">stale: API not answering</StatusPill>
            ) : undefined
          }
        >
          {controls ? (
            <>
              <TradingStateDisplay state={controls.tradingState} />
              <TradingStateControl current={controls.tradingState.state} />
            </>
          ) : overview.isError ? (
            <ErrorMessage error={overview.error} context="Risk controls unavailable" />
          ) : (
            <EmptyState>Loading the risk controls…</EmptyState>
          )}
        </Panel>
        <div className="risk-stack">
          <Panel title="API key">
            <ApiKeyGate />
          </Panel>
          <Panel
            title="Alerts"
            aside={critical > 0 ? <StatusPill tone="bad">{`${critical} critical`}</StatusPill> : undefined}
          >
            <RiskAlertsList alerts={alertRows(data?.alerts ?? [])} />
          </Panel>
        </div>
      </div>
      <div className="grid risk-row risk-row-wide">
        <Panel
          title="Limits"
          aside={controls ? <span className="muted">version {controls.limits.version}</span> : undefined}
        >
          {controls ? <RiskLimitsForm limits={controls.limits} /> : <EmptyState>Loading the limits…</EmptyState>}
        </Panel>
        <Panel title="Limit utilisation">
          {state && controls ? (
            <RiskUtilisation rows={utilisationRows(state, controls.limits)} />
          ) : (
            <EmptyState>{waitingForState}</EmptyState>
          )}
        </Panel>
      </div>
      <div className="risk-row">
        <Panel title="Audit trail">
          {controls ? (
            <AuditTrailTable rows={controls.audit} format={auditFormat} />
          ) : (
            <EmptyState>Loading the audit trail…</EmptyState>
          )}
        </Panel>
      </div>
      <div className="grid risk-row">
        <Panel
          title="Risk state"
          aside={state?.limits_version ? <span className="muted">limits v{state.limits_version}</span> : undefined}
        >
          {state ? <RiskStateStats state={state} /> : <EmptyState>{waitingForState}</EmptyState>}
        </Panel>
        <Panel title="Correlation matrix">
          {state ? (
            <CorrelationMatrix
              symbols={state.risk_metrics.correlation_symbols}
              matrix={state.risk_metrics.correlation_matrix}
            />
          ) : (
            <EmptyState>{waitingForState}</EmptyState>
          )}
        </Panel>
      </div>
      <div className="risk-row">
        <Panel title="HRP target weights">
          <HrpWeightsChart
            rows={data?.hrp?.symbols ?? []}
            {...(data?.hrp ? { asOf: Date.parse(data.hrp.asOf) } : {})}
            loading={overview.isPending}
          />
        </Panel>
      </div>
    </div>
  );
}
