import { defaultRiskLimitSet, type RiskLimitSet, riskLimitPatchSchema } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import {
  buildLimitPatch,
  formatLimitValue,
  labelLimitPaths,
  limitField,
  limitFieldIds,
  limitPathLabel,
  toFormValues,
} from "./risk-limit-fields";

const limits: RiskLimitSet = { ...defaultRiskLimitSet, version: 4 };

describe("toFormValues", () => {
  it("shows shares as percentages without floating-point noise, and the rest as stored", () => {
    const form = toFormValues(limits);
    expect(form.varBasis).toBe("share");
    expect(form.values).toEqual({
      maxPositionShare: "25",
      positionWarnShare: "23",
      maxSectorShare: "50",
      sectorWarnShare: "46",
      maxLeverage: "1.5",
      maxDailyLossShare: "2",
      "maxVar95.value": "5",
      maxOrderValue: "500000",
      maxOrderQuantity: "50000",
      priceCollar: "5",
      "throttle.maxMessages": "100",
      "throttle.perMs": "1000",
      duplicateWindowMs: "2000",
    });
  });

  it("labels every field with its unit; the VaR limit's unit follows its basis", () => {
    for (const id of limitFieldIds) expect(limitField(id, "share").unit).not.toBe("");
    expect(limitField("maxLeverage", "share").unit).toBe("×");
    expect(limitField("maxOrderQuantity", "share").unit).toBe("shares");
    expect(limitField("maxVar95.value", "share")).toMatchObject({ unit: "%", scale: 100 });
    expect(limitField("maxVar95.value", "currency")).toMatchObject({ unit: "$", scale: 1 });
  });
});

describe("buildLimitPatch", () => {
  const form = toFormValues(limits);

  it("sends only what changed, shares as fractions, nested limits whole", () => {
    const result = buildLimitPatch(limits, {
      ...form,
      values: { ...form.values, maxPositionShare: "20", "throttle.maxMessages": "50", maxLeverage: "1.5 " },
    });
    expect(result).toEqual({
      ok: true,
      patch: { maxPositionShare: 0.2, throttle: { maxMessages: 50, perMs: 1000 } },
      changed: ["maxPositionShare", "throttle.maxMessages"],
    });
    if (result.ok) expect(riskLimitPatchSchema.safeParse(result.patch).success).toBe(true);
  });

  it("replaces the VaR limit whole when its basis or value changes", () => {
    expect(
      buildLimitPatch(limits, { varBasis: "currency", values: { ...form.values, "maxVar95.value": "25000" } }),
    ).toEqual({
      ok: true,
      patch: { maxVar95: { basis: "currency", value: 25000 } },
      changed: ["maxVar95.value"],
    });
    expect(buildLimitPatch(limits, { ...form, values: { ...form.values, "maxVar95.value": "4" } })).toMatchObject({
      patch: { maxVar95: { basis: "share", value: 0.04 } },
    });
  });

  it("finds nothing to change in an untouched form", () => {
    expect(buildLimitPatch(limits, form)).toEqual({ ok: true, patch: {}, changed: [] });
  });

  it("refuses text that is not a number, field by field", () => {
    expect(
      buildLimitPatch(limits, { ...form, values: { ...form.values, maxLeverage: "", priceCollar: "five" } }),
    ).toEqual({ ok: false, errors: { maxLeverage: "enter a number", priceCollar: "enter a number" } });
  });

  it("says a percentage is out of range in percent, not in the stored fraction", () => {
    expect(buildLimitPatch(limits, { ...form, values: { ...form.values, maxPositionShare: "250" } })).toEqual({
      ok: false,
      errors: { maxPositionShare: "a percentage above 0, at most 100" },
    });
    expect(buildLimitPatch(limits, { ...form, values: { ...form.values, priceCollar: "0" } })).toMatchObject({
      ok: false,
    });
  });
});

describe("formatLimitValue / limitPathLabel", () => {
  it("writes recorded limits in the form's units", () => {
    expect(formatLimitValue("maxPositionShare", 0.24)).toBe("24%");
    expect(formatLimitValue("maxLeverage", 1.5)).toBe("1.5×");
    expect(formatLimitValue("maxOrderValue", 500000)).toBe("$500000");
    expect(formatLimitValue("maxOrderQuantity", 50000)).toBe("50000 shares");
    expect(formatLimitValue("throttle.perMs", 1000)).toBe("1000 ms");
    expect(formatLimitValue("maxVar95.value", 0.05)).toBe("0.05");
    expect(formatLimitValue("version", 3)).toBe("3");
    expect(formatLimitValue("state", "HALTED")).toBe("HALTED");
  });

  it("labels recorded paths like the form does", () => {
    expect(limitPathLabel("maxPositionShare")).toBe("Single position limit");
    expect(limitPathLabel("maxVar95.basis")).toBe("maxVar95.basis");
    expect(limitPathLabel("state")).toBe("state");
  });
});

describe("labelLimitPaths", () => {
  it("names the fields in the server's messages", () => {
    expect(labelLimitPaths("limits.maxPositionShare: Too big: expected number to be <=1")).toBe(
      "Single position limit: Too big: expected number to be <=1",
    );
    expect(labelLimitPaths("→ at positionWarnShare")).toBe("→ at Single position alert");
    expect(labelLimitPaths("limits.throttle.perMs: Too small")).toBe("Throttle window: Too small");
    expect(labelLimitPaths("limits.maxVar95: Invalid input")).toBe("VaR limit: Invalid input");
    expect(labelLimitPaths("throttle.maxMessages and throttle")).toBe("Message throttle and Throttle");
  });
});
