"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import type { AppRouter } from "@tradeops/api";
import {
  DecisionExplanation,
  type DecisionRow,
  DecisionsTable,
  Panel,
  type RegimePoint,
  RegimeProbabilityChart,
  type RiskLimitRow,
  RiskUtilisation,
  StatusPill,
  StrategyWeightsChart,
} from "@tradeops/ui";
import type { inferRouterOutputs } from "@trpc/server";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useEffect, useMemo, useState } from "react";
import { useTRPC } from "../trpc/trpc-context";
import { RiskAlertBanner } from "./risk-alert-banner";

type Snapshot = inferRouterOutputs<AppRouter>["live"]["snapshot"];
type Decision = Snapshot["decisions"][number];
type Regime = Snapshot["regimes"][number];
type Portfolio = NonNullable<Snapshot["portfolio"]>;

const regimeWindow = 300;
const decisionWindow = 200;
const visibleDecisions = 25;

function toPoint(estimate: Regime): RegimePoint {
  return {
    time: Date.parse(estimate.timestamp),
    bull: estimate.regime_probs.bull,
    bear: estimate.regime_probs.bear,
    sideways: estimate.regime_probs.sideways,
    entropy: estimate.entropy,
  };
}

/**
 * The risk verdict worth showing: a HOLD whose only failed check is having nothing to sell (or no
 * cash to buy with) was never a trade the risk manager refused, so it shows no verdict.
 */
function riskVerdict(decision: Decision): boolean | undefined {
  if (decision.risk_approved === undefined) return undefined;
  const failed = Object.entries(decision.risk_checks)
    .filter(([, ok]) => !ok)
    .map(([check]) => check);
  if (decision.action === "HOLD" && failed.every((check) => check === "sufficiency_ok")) return undefined;
  return decision.risk_approved;
}

function toRow(decision: Decision, explained: ReadonlySet<string>): DecisionRow {
  const approved = riskVerdict(decision);
  return {
    decisionId: decision.decision_id,
    time: Date.parse(decision.timestamp),
    symbol: decision.symbol,
    action: decision.action,
    quantity: decision.quantity,
    confidence: decision.confidence,
    ...(decision.price !== undefined ? { price: decision.price } : {}),
    ...(approved !== undefined ? { approved } : {}),
    explained: explained.has(decision.decision_id),
  };
}

function riskRows(portfolio: Portfolio): RiskLimitRow[] {
  const { limit_utilization: used, limits } = portfolio;
  return [
    {
      limit: "max_position_size_pct",
      label: "Largest position",
      current: used.max_position_size_pct,
      threshold: limits.max_position_size_pct,
      warnAt: 23 / 25,
      unit: "percent",
    },
    {
      limit: "max_sector_exposure_pct",
      label: "Largest sector",
      current: used.max_sector_exposure_pct,
      threshold: limits.max_sector_exposure_pct,
      unit: "percent",
    },
    {
      limit: "daily_loss_limit_pct",
      label: "Daily loss",
      current: used.daily_loss_limit_pct,
      threshold: limits.daily_loss_limit_pct,
      unit: "percent",
    },
    { limit: "leverage_ratio", label: "Leverage", current: used.leverage_ratio, threshold: 1.5, unit: "multiple" },
  ];
}

/**
 * The trader's Live page: regime probabilities of one symbol over time, the latest strategy
 * weights, risk utilisation and decisions, kept current by a server-sent-event subscription;
 * selecting a decision shows its SHAP explanation once forensics has stored it.
 */
export function LiveDashboard() {
  const trpc = useTRPC();
  const [symbol, setSymbol] = useState<string | undefined>(undefined);
  const snapshot = useQuery(
    trpc.live.snapshot.queryOptions(symbol === undefined ? undefined : { symbol }, { refetchInterval: 15_000 }),
  );
  const [regimes, setRegimes] = useState<Regime[]>([]);
  const [decisions, setDecisions] = useState<Decision[]>([]);
  const [portfolio, setPortfolio] = useState<Portfolio | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [explained, setExplained] = useState<ReadonlySet<string>>(new Set());

  const chosen = symbol ?? snapshot.data?.symbols[0];

  // A fresh snapshot (first load, symbol change, periodic refresh) replaces the streamed state.
  useEffect(() => {
    if (!snapshot.data) return;
    setRegimes([...snapshot.data.regimes]);
    setDecisions([...snapshot.data.decisions]);
    setPortfolio(snapshot.data.portfolio);
    setExplained(new Set(snapshot.data.explainedIds));
  }, [snapshot.data]);

  useSubscription(
    trpc.live.stream.subscriptionOptions(chosen === undefined ? undefined : { symbol: chosen }, {
      enabled: snapshot.isSuccess,
      onData: (event) => {
        if (event.type === "regime") {
          if (event.estimate.symbol !== chosen) return;
          setRegimes((previous) => [...previous, event.estimate].slice(-regimeWindow));
        } else if (event.type === "decision") {
          setDecisions((previous) => [event.decision, ...previous].slice(0, decisionWindow));
        } else if (event.type === "explained") {
          setExplained((previous) => new Set(previous).add(event.decisionId));
        } else {
          setPortfolio(event.snapshot);
        }
      },
    }),
  );

  const explanation = useQuery(
    trpc.decisions.explanation.queryOptions(selected === null ? skipToken : { decisionId: selected }, {
      refetchInterval: (query) => (query.state.data ? false : 1_000),
    }),
  );
  useEffect(() => {
    const id = explanation.data?.decisionId;
    if (id) setExplained((previous) => (previous.has(id) ? previous : new Set(previous).add(id)));
  }, [explanation.data]);

  const points = useMemo(() => regimes.map(toPoint), [regimes]);
  const rows = useMemo(
    () => decisions.slice(0, visibleDecisions).map((d) => toRow(d, explained)),
    [decisions, explained],
  );
  const latest = decisions[0];
  const selectedDecision = decisions.find((d) => d.decision_id === selected);
  const pipeline = snapshot.data?.pipeline;
  const meta = pipeline?.metaController;

  if (snapshot.isError) {
    return <p className="error-text">The API did not answer: {snapshot.error.message}</p>;
  }

  return (
    <>
      <RiskAlertBanner marketTime={latest ? Date.parse(latest.timestamp) : undefined} />
      <div className="live-toolbar">
        <label>
          Symbol{" "}
          <select
            aria-label="Symbol"
            value={chosen ?? ""}
            onChange={(event) => {
              setSymbol(event.target.value);
              setRegimes([]);
            }}
          >
            {(snapshot.data?.symbols ?? []).map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {pipeline && !pipeline.engineReady ? <StatusPill tone="warn">models loading</StatusPill> : null}
        {pipeline?.forensicsDelayed ? (
          <StatusPill tone="warn">{`Forensics processing delayed (${pipeline.bufferedEvents} events buffered)`}</StatusPill>
        ) : null}
        {meta?.rolledBack ? <StatusPill tone="bad">meta-controller rolled back: regime routing</StatusPill> : null}
      </div>
      <div className="grid live-grid">
        <Panel title={`Regime probabilities${chosen ? ` · ${chosen}` : ""}`}>
          <RegimeProbabilityChart points={points} loading={snapshot.isPending} />
        </Panel>
        <Panel title="Strategy weights" aside={latest ? <span className="muted">{latest.symbol}</span> : undefined}>
          <StrategyWeightsChart
            weights={
              latest
                ? {
                    bull_specialist: latest.strategy_weights.bull_specialist ?? 0,
                    bear_specialist: latest.strategy_weights.bear_specialist ?? 0,
                    sideways_specialist: latest.strategy_weights.sideways_specialist ?? 0,
                  }
                : null
            }
            loading={snapshot.isPending}
          />
        </Panel>
        <Panel
          title="Risk utilisation"
          aside={portfolio ? <span className="muted">{portfolio.portfolio_id}</span> : undefined}
        >
          <RiskUtilisation rows={portfolio ? riskRows(portfolio) : []} loading={snapshot.isPending} />
        </Panel>
      </div>
      <div className="grid live-grid-wide">
        <Panel title="Latest decisions">
          <DecisionsTable rows={rows} selectedId={selected} onSelect={setSelected} loading={snapshot.isPending} />
        </Panel>
        <Panel title="Explanation">
          <DecisionExplanation
            decision={
              selectedDecision
                ? {
                    decisionId: selectedDecision.decision_id,
                    symbol: selectedDecision.symbol,
                    action: selectedDecision.action,
                    time: Date.parse(selectedDecision.timestamp),
                    confidence: selectedDecision.confidence,
                  }
                : null
            }
            explanation={explanation.data ?? null}
            loading={selected !== null && explanation.isPending}
            error={explanation.isError ? explanation.error.message : null}
          />
        </Panel>
      </div>
    </>
  );
}
