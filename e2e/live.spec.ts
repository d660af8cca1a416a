import { expect, test } from "@playwright/test";

test("the Live page shows regime probabilities moving and a decision's explanation", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Live" })).toBeVisible();

  const chart = page.getByTestId("regime-chart");
  await expect(chart).toBeVisible();
  // New estimates must arrive while the page stays open (the subscription, not a reload): the
  // latest estimate's time moves on and the chart holds more points than at first sight.
  const latest = chart.getByTestId("regime-latest");
  const latestTime = latest.locator('[data-series="time"] dd');
  await expect(latestTime).not.toHaveText("", { timeout: 60_000 });
  const firstTime = await latestTime.textContent();
  const firstPoints = Number(await chart.getAttribute("data-points"));
  await expect(latestTime).not.toHaveText(firstTime ?? "", { timeout: 30_000 });
  await expect
    .poll(async () => Number(await chart.getAttribute("data-points")), { timeout: 30_000 })
    .toBeGreaterThan(Math.min(firstPoints, 299));
  for (const series of ["bull", "bear", "sideways"]) {
    const value = Number(await latest.locator(`[data-series="${series}"] dd`).getAttribute("data-value"));
    expect(value).toBeGreaterThanOrEqual(0);
    expect(value).toBeLessThanOrEqual(1);
  }

  const decisions = page.getByRole("region", { name: "Latest decisions" });
  const firstDecision = decisions.locator("tr[data-decision-id]").first();
  await expect(firstDecision).toBeVisible({ timeout: 60_000 });
  const decisionId = await firstDecision.getAttribute("data-decision-id");
  await firstDecision.getByRole("button").click();

  const explanation = page.getByTestId("decision-explanation");
  await expect(explanation).toHaveAttribute("data-decision-id", decisionId ?? "");
  await expect(explanation).toHaveAttribute("data-state", "ready", { timeout: 30_000 });
  await expect(explanation.getByTestId("shap-chart")).toBeVisible();
  await expect(explanation.locator("tr[data-feature]").first()).toBeVisible();
  await expect(explanation.getByTestId("shap-additivity")).toContainText("=");
  await expect(explanation.getByTestId("regime-reasoning")).toContainText("regime probability");
  await expect(explanation.getByTestId("strategy-selection")).toContainText("Meta-controller");
});
