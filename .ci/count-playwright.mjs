// Prints "<passed> <failed>" from a Playwright JSON report; skipped, flaky-then-failed and
// interrupted tests count as failed, and an empty report counts as one failure.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const stats = report.stats ?? {};
const passed = stats.expected ?? 0;
let failed = (stats.unexpected ?? 0) + (stats.skipped ?? 0) + (stats.flaky ?? 0);
if ((report.errors ?? []).length > 0) failed += report.errors.length;
if (passed + failed === 0) failed = 1;
process.stdout.write(`${passed} ${failed}\n`);
