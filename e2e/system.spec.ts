import { expect, test } from "@playwright/test";

test("the System page shows the deployment and every dependency answering", async ({ page }) => {
  await page.goto("/system");
  await expect(page.getByRole("heading", { name: "System" })).toBeVisible();
  const dependencies = page.getByRole("region", { name: "Dependencies" });
  for (const name of ["database", "bus", "cache", "queue", "models"]) {
    const row = dependencies.locator(`tr[data-dependency="${name}"]`);
    await expect(row).toBeVisible();
    await expect(row.getByText("ready")).toBeVisible();
  }
  await expect(page.getByRole("region", { name: "Deployment" }).getByText("embedded", { exact: true })).toBeVisible();
  await expect(page.getByRole("region", { name: "Database migrations" }).getByText("up to date")).toBeVisible();
});
