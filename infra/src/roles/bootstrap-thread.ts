import { parentPort, workerData } from "node:worker_threads";
import { bootstrapModels, systemClock } from "@tradeops/core";
import { z } from "zod";

/** The training role's worker thread: one bootstrap, its result posted back, then exit. */
const input = z
  .object({ seed: z.number().int(), bars: z.number().int(), symbols: z.number().int(), now: z.number().int() })
  .parse((workerData as { input: unknown }).input);

try {
  const result = await bootstrapModels({ ...input, clock: systemClock });
  // Copied, not transferred: the models are kilobytes, and a view may share its buffer.
  parentPort?.postMessage({ ok: true, result });
} catch (error) {
  parentPort?.postMessage({
    ok: false,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
}
