"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { formatClock, type TradingStateName, tradingStateTone } from "@tradeops/ui";
import { useState } from "react";
import { useTRPC } from "../trpc/trpc-context";
import { ErrorMessage } from "./error-message";

const states: readonly TradingStateName[] = ["ACTIVE", "REDUCING", "HALTED"];

const minReason = 3;

/**
 * The kill switch: a reason, then ACTIVE, REDUCING or HALTED. The server decides who may (a risk
 * officer's or admin's key); the page only insists on the reason and reports any refusal plainly.
 */
export function TradingStateControl({ current }: { current: TradingStateName }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState("");
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [requested, setRequested] = useState<TradingStateName | null>(null);
  const change = useMutation(
    trpc.risk.setTradingState.mutationOptions({
      onSuccess: () => {
        setReason("");
        void queryClient.invalidateQueries({ queryKey: trpc.risk.overview.queryKey() });
      },
    }),
  );

  const request = (state: TradingStateName) => {
    setRequested(state);
    const text = reason.trim();
    if (text.length < minReason) {
      setReasonError(`Give a reason of at least ${minReason} characters: it goes into the audit trail.`);
      change.reset();
      return;
    }
    setReasonError(null);
    change.mutate({ state, reason: text });
  };

  return (
    <fieldset className="risk-state-form">
      <legend className="risk-legend">Change trading state</legend>
      <label htmlFor="trading-state-reason">Reason for the trading state change</label>
      <input
        id="trading-state-reason"
        name="reason"
        type="text"
        autoComplete="off"
        maxLength={1_000}
        value={reason}
        aria-invalid={reasonError !== null}
        aria-describedby={reasonError !== null ? "trading-state-reason-error" : undefined}
        onChange={(event) => setReason(event.target.value)}
      />
      {reasonError !== null ? (
        <p id="trading-state-reason-error" className="error-text" role="alert">
          {reasonError}
        </p>
      ) : null}
      <div className="risk-state-buttons">
        {states.map((state) => (
          <button
            key={state}
            type="button"
            className={`risk-state-button risk-state-button-${tradingStateTone(state)}`}
            aria-pressed={state === current}
            disabled={change.isPending}
            onClick={() => request(state)}
          >
            {change.isPending && requested === state ? `Setting ${state}…` : `Set ${state}`}
          </button>
        ))}
      </div>
      {change.isSuccess ? (
        <p className="risk-ok" role="status">
          {change.data.state} in force since {formatClock(change.data.time)} UTC.
        </p>
      ) : null}
      {change.isError ? (
        <ErrorMessage error={change.error} context={`Could not set ${requested ?? "the trading state"}`} />
      ) : null}
    </fieldset>
  );
}
