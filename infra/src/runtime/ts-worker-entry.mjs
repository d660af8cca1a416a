// Entry of every worker thread the platform starts. Node loads a worker's entry file before any
// `--import` hook runs in that thread, so TypeScript sources cannot be entries themselves: this
// plain module registers tsx in the thread, then imports the real entry named in workerData.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.entry);
