import { EventEmitter } from "node:events";
import { silentLogger } from "@tradeops/core";
import { describe, expect, it } from "vitest";
import { installGracefulShutdown } from "./graceful-shutdown";

function fakeProcess(withIpc: boolean) {
  const emitter = new EventEmitter();
  return Object.assign(emitter, { send: withIpc ? () => true : undefined }) as unknown as Pick<
    NodeJS.Process,
    "on" | "send"
  > &
    EventEmitter;
}

function exitRecorder() {
  const codes: number[] = [];
  let resolve: () => void = () => {};
  const exited = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    codes,
    exited,
    exit: (code: number) => {
      codes.push(code);
      resolve();
    },
  };
}

describe("installGracefulShutdown", () => {
  it("runs the steps in order on SIGTERM and exits 0", async () => {
    const order: string[] = [];
    const signals = fakeProcess(false);
    const recorder = exitRecorder();
    installGracefulShutdown({
      logger: silentLogger,
      graceMs: 5_000,
      signals,
      exit: recorder.exit,
      steps: [
        { name: "http", run: async () => void order.push("http") },
        { name: "roles", run: async () => void order.push("roles") },
        { name: "database", run: async () => void order.push("database") },
      ],
    });
    signals.emit("SIGTERM");
    await recorder.exited;
    expect(order).toEqual(["http", "roles", "database"]);
    expect(recorder.codes).toEqual([0]);
  });

  it("keeps going after a failing step and exits 1", async () => {
    const order: string[] = [];
    const signals = fakeProcess(false);
    const recorder = exitRecorder();
    installGracefulShutdown({
      logger: silentLogger,
      graceMs: 5_000,
      signals,
      exit: recorder.exit,
      steps: [
        {
          name: "http",
          run: async () => {
            throw new Error("boom");
          },
        },
        { name: "database", run: async () => void order.push("database") },
      ],
    });
    signals.emit("SIGINT");
    await recorder.exited;
    expect(order).toEqual(["database"]);
    expect(recorder.codes).toEqual([1]);
  });

  it("exits 1 when a step outlives the grace period", async () => {
    const signals = fakeProcess(false);
    const recorder = exitRecorder();
    installGracefulShutdown({
      logger: silentLogger,
      graceMs: 20,
      signals,
      exit: recorder.exit,
      steps: [{ name: "stuck", run: () => new Promise<void>(() => {}) }],
    });
    signals.emit("SIGTERM");
    await recorder.exited;
    expect(recorder.codes).toEqual([1]);
  });

  it("stops when the parent process goes away, only if spawned with IPC", async () => {
    const withIpc = fakeProcess(true);
    const recorder = exitRecorder();
    installGracefulShutdown({ logger: silentLogger, graceMs: 1_000, signals: withIpc, exit: recorder.exit, steps: [] });
    withIpc.emit("disconnect");
    await recorder.exited;
    expect(recorder.codes).toEqual([0]);

    const withoutIpc = fakeProcess(false);
    installGracefulShutdown({
      logger: silentLogger,
      graceMs: 1_000,
      signals: withoutIpc,
      exit: recorder.exit,
      steps: [],
    });
    expect(withoutIpc.listenerCount("disconnect")).toBe(0);
  });

  it("exits at once on a second signal", async () => {
    const signals = fakeProcess(false);
    const recorder = exitRecorder();
    installGracefulShutdown({
      logger: silentLogger,
      graceMs: 5_000,
      signals,
      exit: recorder.exit,
      steps: [{ name: "slow", run: () => new Promise<void>(() => {}) }],
    });
    signals.emit("SIGINT");
    signals.emit("SIGINT");
    await recorder.exited;
    expect(recorder.codes).toEqual([130]);
  });
});
