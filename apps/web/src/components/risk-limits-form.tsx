"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { RiskLimitSet } from "@tradeops/core";
import { type FormEvent, useState } from "react";
import { useTRPC } from "../trpc/trpc-context";
import { ErrorMessage } from "./error-message";
import {
  buildLimitPatch,
  type LimitFieldId,
  type LimitFormValues,
  labelLimitPaths,
  limitField,
  limitFieldIds,
  toFormValues,
  type VarBasis,
} from "./risk-limit-fields";

function sameForm(a: LimitFormValues, b: LimitFormValues): boolean {
  return a.varBasis === b.varBasis && limitFieldIds.every((id) => a.values[id] === b.values[id]);
}

/**
 * The limit set in force as a form. Edits are measured against the version they started from, so
 * saving sends only what this user changed, never a revert of a change someone made meanwhile; a
 * newer version replaces an untouched form and is announced over an edited one.
 */
export function RiskLimitsForm({ limits }: { limits: RiskLimitSet }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [base, setBase] = useState(limits);
  const [form, setForm] = useState(() => toFormValues(limits));
  const [reason, setReason] = useState("");
  const [local, setLocal] = useState<{ errors: Partial<Record<LimitFieldId, string>>; note: string | null }>({
    errors: {},
    note: null,
  });
  const save = useMutation(
    trpc.risk.reviseLimits.mutationOptions({
      onSuccess: (saved) => {
        setBase(saved);
        setForm(toFormValues(saved));
        setReason("");
        void queryClient.invalidateQueries({ queryKey: trpc.risk.overview.queryKey() });
      },
    }),
  );

  const edited = !sameForm(form, toFormValues(base));
  const newer = limits.version > base.version;
  if (newer && !edited && !save.isPending) {
    // A newer version (saved here or elsewhere) over an untouched form: show it.
    setBase(limits);
    setForm(toFormValues(limits));
  }

  const setValue = (id: LimitFieldId, value: string) =>
    setForm((previous) => ({ ...previous, values: { ...previous.values, [id]: value } }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    save.reset();
    const result = buildLimitPatch(base, form);
    if (!result.ok) {
      setLocal({ errors: result.errors, note: "Some values need correcting (see the fields)." });
      return;
    }
    if (result.changed.length === 0) {
      setLocal({ errors: {}, note: `Nothing to save: every limit is as in version ${base.version}.` });
      return;
    }
    if (reason.trim().length < 3) {
      setLocal({ errors: {}, note: "Give a reason of at least 3 characters: it goes into the audit trail." });
      return;
    }
    setLocal({ errors: {}, note: null });
    save.mutate({ limits: result.patch, reason: reason.trim() });
  };

  return (
    <div className="risk-limits">
      <form className="risk-limits-form" aria-label="Risk limits" onSubmit={submit} noValidate>
        <div className="risk-limits-grid">
          <div className="risk-limit-row">
            <label htmlFor="limit-var-basis">VaR limit basis</label>
            <select
              id="limit-var-basis"
              value={form.varBasis}
              onChange={(event) => {
                const varBasis: VarBasis = event.target.value === "currency" ? "currency" : "share";
                setForm((previous) => ({ ...previous, varBasis }));
              }}
            >
              <option value="share">share (%)</option>
              <option value="currency">amount ($)</option>
            </select>
            <span className="muted risk-hint">how the VaR limit is measured</span>
          </div>
          {limitFieldIds.map((id) => {
            const field = limitField(id, form.varBasis);
            const error = local.errors[id];
            const inputId = `limit-${id.replace(".", "-")}`;
            return (
              <div key={id} className="risk-limit-row" data-field={id}>
                <label htmlFor={inputId}>
                  {field.label} ({field.unit})
                </label>
                <input
                  id={inputId}
                  type="text"
                  inputMode="decimal"
                  autoComplete="off"
                  value={form.values[id]}
                  aria-invalid={error !== undefined}
                  aria-describedby={`${inputId}-hint`}
                  onChange={(event) => setValue(id, event.target.value)}
                />
                <span id={`${inputId}-hint`} className={error ? "error-text risk-hint" : "muted risk-hint"}>
                  {error ?? field.hint}
                </span>
              </div>
            );
          })}
        </div>
        <label htmlFor="limits-reason">Reason for the limit change</label>
        <input
          id="limits-reason"
          type="text"
          autoComplete="off"
          maxLength={1_000}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <div className="risk-inline">
          <button type="submit" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save limits"}
          </button>
          <button
            type="button"
            disabled={!edited || save.isPending}
            onClick={() => {
              setBase(limits);
              setForm(toFormValues(limits));
              setLocal({ errors: {}, note: null });
            }}
          >
            Discard edits
          </button>
        </div>
      </form>
      <div className="risk-limits-messages" aria-live="polite">
        {newer ? (
          <p className="risk-warn" role="status">
            Version {limits.version} was saved meanwhile; your edits are against version {base.version} and save only
            the fields you changed.
          </p>
        ) : null}
        {local.note !== null ? (
          <p className="error-text" role="alert">
            {local.note}
          </p>
        ) : null}
        {save.isSuccess ? (
          <p className="risk-ok" role="status">
            Saved as version {save.data.version}.
          </p>
        ) : null}
        {save.isError ? <ErrorMessage error={save.error} context="Limits not saved" mapLine={labelLimitPaths} /> : null}
      </div>
    </div>
  );
}
