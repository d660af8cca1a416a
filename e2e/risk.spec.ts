import { type APIRequestContext, expect, type Page, test } from "@playwright/test";
import { z } from "zod";
import { readRiskOfficerKey } from "./risk-officer-key";

/**
 * The risk officer's kill switch, end to end: HALTED set on the Risk page stops approvals at the
 * public endpoint within one second, is in the audit trail, and is undone the same way. The
 * platform is left ACTIVE whatever happens: the specs after this one trade.
 */

// A check of a hypothetical portfolio (works in every mode, reserves nothing): approved while
// ACTIVE, so a refusal can only come from the trading state.
const checkBody = {
  symbol: "AAPL",
  action: "BUY",
  quantity: 10,
  estimated_price: 100,
  portfolio_state: { total_value: 1_000_000, cash: 1_000_000, positions: {} },
};

const checkResponse = z.object({
  approved: z.boolean(),
  rejection_reasons: z.array(z.object({ code: z.string(), message: z.string() })).optional(),
  trading_state: z.string().optional(),
});

async function firstRejection(request: APIRequestContext): Promise<string | null> {
  const response = await request.post("/api/v1/risk/check", { data: checkBody });
  expect(response.status(), await response.text()).toBe(200);
  const body = checkResponse.parse(await response.json());
  return body.approved ? null : (body.rejection_reasons?.[0]?.code ?? "REJECTED WITHOUT A REASON");
}

async function forceActive(request: APIRequestContext, key: string): Promise<void> {
  const response = await request.put("/api/v1/risk/trading-state", {
    headers: { authorization: `Bearer ${key}` },
    data: { state: "ACTIVE", reason: "e2e: leave the platform trading" },
  });
  expect(response.ok(), await response.text()).toBe(true);
}

async function setState(page: Page, state: "ACTIVE" | "REDUCING" | "HALTED", reason: string): Promise<number> {
  await page.getByLabel("Reason for the trading state change").fill(reason);
  const clicked = Date.now();
  await page.getByRole("button", { name: `Set ${state}` }).click();
  return clicked;
}

test.describe("Risk page", () => {
  test("refuses to change the trading state without a key, and without a reason", async ({ page, request }) => {
    await page.goto("/risk");
    await expect(page.getByRole("heading", { name: "Risk", exact: true })).toBeVisible();
    const display = page.getByTestId("trading-state");
    await expect(display).toBeVisible();
    const before = await display.getAttribute("data-state");
    await expect(page.getByRole("form", { name: "Enter an API key" })).toBeVisible();

    await setState(page, "HALTED", "no");
    await expect(page.getByRole("alert").filter({ hasText: "at least 3 characters" })).toBeVisible();

    await setState(page, "HALTED", "e2e: attempt without a key");
    const refusal = page.getByRole("alert").filter({ hasText: "Could not set HALTED" });
    await expect(refusal).toContainText("needs a valid API key (401)");
    await expect(refusal).toContainText("Authorization: Bearer");
    await expect(display).toHaveAttribute("data-state", before ?? "ACTIVE");
    expect(await firstRejection(request)).not.toBe("TRADING_HALTED");
  });

  test("a risk officer halts trading from the page: every check is refused within a second", async ({
    page,
    request,
  }) => {
    const key = await readRiskOfficerKey();
    try {
      // A previous run that died halfway must not decide this one.
      if ((await firstRejection(request)) !== null) await forceActive(request, key);
      expect(await firstRejection(request)).toBeNull();

      await page.goto("/risk");
      await page.getByLabel("Your API key").fill(key);
      await page.getByRole("button", { name: "Use key" }).click();
      await expect(page.getByTestId("whoami-email")).toHaveText("risk-officer@local.tradeops");
      await expect(page.getByTestId("api-key-identity")).toContainText("risk_officer");
      // The key lives in this tab's sessionStorage, never in localStorage.
      expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
      expect(await page.evaluate(() => window.sessionStorage.getItem("tradeops.apiKey"))).toBe(key);

      const display = page.getByTestId("trading-state");
      await expect(display).toHaveAttribute("data-state", "ACTIVE");
      const reason = `e2e kill switch ${Date.now()}`;
      const clicked = await setState(page, "HALTED", reason);
      let code = await firstRejection(request);
      while (code !== "TRADING_HALTED" && Date.now() - clicked < 5_000) code = await firstRejection(request);
      const elapsed = Date.now() - clicked;
      test.info().annotations.push({ type: "click to TRADING_HALTED", description: `${elapsed} ms` });
      expect(code).toBe("TRADING_HALTED");
      expect(elapsed, `TRADING_HALTED ${elapsed} ms after the click`).toBeLessThanOrEqual(1_000);

      await expect(display).toHaveAttribute("data-state", "HALTED");
      await expect(page.getByTestId("trading-state-reason")).toHaveText(reason);
      await expect(page.getByTestId("trading-state-set-by")).toContainText("risk-officer@local.tradeops");
      const entry = page.getByRole("table", { name: "Audit trail" }).locator("tr", { hasText: reason });
      await expect(entry).toHaveAttribute("data-action", "trading_state.halt");
      await expect(entry.locator('[data-path="state"]')).toHaveText("state: ACTIVE → HALTED");
      await expect(entry).toContainText("risk_officer");

      const resumeReason = `e2e resume ${Date.now()}`;
      await setState(page, "ACTIVE", resumeReason);
      await expect(display).toHaveAttribute("data-state", "ACTIVE");
      await expect(
        page.getByRole("table", { name: "Audit trail" }).locator("tr", { hasText: resumeReason }),
      ).toHaveAttribute("data-action", "trading_state.resume");
      expect(await firstRejection(request)).toBeNull();
    } finally {
      const code = await firstRejection(request);
      if (code === "TRADING_HALTED" || code === "REDUCE_ONLY") await forceActive(request, key);
    }
  });
});
