/*
 * Regenerates the sample bar files of this folder from the simulator:
 *   node --import tsx infra/sample-data/generate.ts
 * The content is defined (and tested) in infra/src/sources/sample-data.ts.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { generateSampleData } from "../src/sources/sample-data";

const folder = import.meta.dirname;
for (const file of generateSampleData()) {
  await writeFile(join(folder, file.name), file.content);
  process.stdout.write(`wrote ${join(folder, file.name)} (${file.content.length} bytes)\n`);
}
