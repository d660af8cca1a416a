import type { Worker } from "node:worker_threads";
import {
  type DecisionExplanation,
  productionAlias,
  productionModelNames,
  type RegisteredModelVersion,
  type TradingDecisionEvent,
} from "@tradeops/core";
import { startWorkerThread } from "../runtime/start-worker-thread";
import type { RoleContext } from "./worker-role";

type Reply = { id: number; ok: true; explanation: DecisionExplanation } | { id: number; ok: false; error: string };

/** Explanations computed on a worker thread (see explainer-thread.ts); one request at a time per thread is queued there. */
export class ExplainerThread {
  readonly #thread: Worker;
  readonly #pending = new Map<number, { resolve: (e: DecisionExplanation) => void; reject: (e: Error) => void }>();
  #next = 0;

  private constructor(thread: Worker) {
    this.#thread = thread;
    thread.on("message", (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (reply.ok) waiting.resolve(reply.explanation);
      else waiting.reject(new Error(reply.error));
    });
    thread.on("error", (error) => this.#failAll(error));
    thread.on("exit", (code) => this.#failAll(new Error(`explainer thread exited with code ${code}`)));
  }

  /** Starts the thread on the current production models; resolves once they are loaded there. */
  static async start({ env, database }: Pick<RoleContext, "env" | "database">): Promise<ExplainerThread> {
    const versions = await Promise.all(
      productionModelNames.map((name) => database.repositories.models.resolveAlias(name, productionAlias)),
    );
    const present = versions.filter((v): v is RegisteredModelVersion => v !== null);
    const thread = startWorkerThread(new URL("./explainer-thread.ts", import.meta.url), {
      modelStoreDir: env.MODEL_STORE_DIR,
      executionProviders: env.ONNX_EXECUTION_PROVIDERS,
      versions: present,
    });
    await new Promise<void>((resolve, reject) => {
      thread.once("message", (message: { ready: boolean; error?: string }) =>
        message.ready ? resolve() : reject(new Error(`explainer thread failed to load models: ${message.error}`)),
      );
      thread.once("error", reject);
    });
    return new ExplainerThread(thread);
  }

  explain(event: TradingDecisionEvent): Promise<DecisionExplanation> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#thread.postMessage({ id, event });
    });
  }

  async close(): Promise<void> {
    await this.#thread.terminate();
  }

  #failAll(error: Error) {
    for (const waiting of this.#pending.values()) waiting.reject(error);
    this.#pending.clear();
  }
}
