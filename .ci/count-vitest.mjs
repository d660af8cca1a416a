// Prints "<passed> <failed>" from a vitest JSON report. A suite file that failed to load has no
// test results but is reported as failed: it counts as one failure so a crash cannot look green.
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
const passed = report.numPassedTests ?? 0;
// A skipped or todo test is a test that did not run: it counts against the build.
let failed = (report.numFailedTests ?? 0) + (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
for (const file of report.testResults ?? []) {
  if (file.status === "failed" && (file.assertionResults ?? []).length === 0) failed += 1;
}
if (passed + failed === 0) failed = 1;
process.stdout.write(`${passed} ${failed}\n`);
