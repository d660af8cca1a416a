import { Worker } from "node:worker_threads";

/** Starts a worker thread running a TypeScript module, handing it `input` as `workerData.input`. */
export function startWorkerThread(entry: URL, input: unknown): Worker {
  return new Worker(new URL("./ts-worker-entry.mjs", import.meta.url), {
    workerData: { entry: entry.href, input },
  });
}
