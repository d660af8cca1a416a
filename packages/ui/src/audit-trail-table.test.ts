import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type AuditRow, AuditTrailTable, auditChanges } from "./audit-trail-table";

const t0 = Date.UTC(2025, 9, 21, 14, 30, 0);

describe("auditChanges", () => {
  it("lists the changed leaves of a limit set by dotted path", () => {
    const before = { version: 1, maxLeverage: 1.5, throttle: { maxMessages: 100, perMs: 1000 }, priceCollar: 0.05 };
    const after = { version: 2, maxLeverage: 2, throttle: { maxMessages: 50, perMs: 1000 }, priceCollar: 0.05 };
    expect(auditChanges(before, after)).toEqual([
      { path: "maxLeverage", before: 1.5, after: 2 },
      { path: "throttle.maxMessages", before: 100, after: 50 },
      { path: "version", before: 1, after: 2 },
    ]);
  });

  it("counts only the fields of the new value: the old one may carry context", () => {
    const before = { state: "ACTIVE", setBy: "system", reason: "portfolio opened", time: 1 };
    expect(auditChanges(before, { state: "HALTED" })).toEqual([{ path: "state", before: "ACTIVE", after: "HALTED" }]);
  });

  it("shows fields that appear or disappear, and plain values", () => {
    expect(auditChanges(null, { state: "ACTIVE" })).toEqual([{ path: "state", before: undefined, after: "ACTIVE" }]);
    expect(auditChanges({ a: 1 }, null)).toEqual([{ path: "", before: undefined, after: null }]);
    expect(auditChanges({ a: 1 }, undefined)).toEqual([{ path: "a", before: 1, after: undefined }]);
    expect(auditChanges("x", "y")).toEqual([{ path: "", before: "x", after: "y" }]);
    expect(auditChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

const rows: AuditRow[] = [
  {
    id: "1",
    time: t0,
    actor: "risk-officer@local.tradeops",
    role: "risk_officer",
    action: "risk_limits.update",
    reason: "tighter leverage for the earnings week",
    old: { version: 1, maxLeverage: 1.5 },
    new: { version: 2, maxLeverage: 1.2 },
  },
  {
    id: "2",
    time: t0 + 60_000,
    actor: "risk-officer@local.tradeops",
    role: "risk_officer",
    action: "trading_state.halt",
    reason: "exchange outage",
    old: { state: "ACTIVE", setBy: "system" },
    new: { state: "HALTED" },
  },
];

describe("AuditTrailTable", () => {
  const markup = renderToStaticMarkup(createElement(AuditTrailTable, { rows }));

  it("shows each change newest first: when, who, action, old → new, reason", () => {
    expect(markup).toContain('aria-label="Audit trail"');
    expect(markup.indexOf('data-audit-id="2"')).toBeLessThan(markup.indexOf('data-audit-id="1"'));
    expect(markup).toContain("2025-10-21 14:31:00");
    expect(markup).toContain('risk-officer@local.tradeops<span class="muted"> (risk_officer)</span>');
    expect(markup).toMatch(
      /data-path="state"><span class="muted">state: <\/span><span class="mono">ACTIVE<\/span> → <span class="mono ui-change-after">HALTED</,
    );
    expect(markup).toMatch(/data-path="maxLeverage">.*?1\.5<\/span> → <span class="mono ui-change-after">1\.2</);
    expect(markup).toContain("exchange outage");
  });

  it("names fields and writes values the caller's way", () => {
    const formatted = renderToStaticMarkup(
      createElement(AuditTrailTable, {
        rows,
        format: {
          label: (path) => (path === "maxLeverage" ? "Leverage limit" : path),
          value: (path, value) => (path === "maxLeverage" ? `${value}×` : String(value)),
        },
      }),
    );
    expect(formatted).toMatch(
      /Leverage limit: <\/span><span class="mono">1\.5×<\/span> → <span class="mono ui-change-after">1\.2×</,
    );
    expect(formatted).toContain("HALTED");
  });

  it("says when nothing was recorded", () => {
    expect(renderToStaticMarkup(createElement(AuditTrailTable, { rows: [] }))).toContain("No changes recorded yet.");
  });
});
