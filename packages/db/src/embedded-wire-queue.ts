import type { PGlite } from "@electric-sql/pglite";

/**
 * Schedules the wire-protocol messages of many client connections onto PGlite's single backend.
 *
 * The socket package's own queue interleaves connections message by message, which breaks the
 * extended query protocol: connection A's Parse, then B's Parse (replacing the unnamed
 * statement), then A's Bind runs B's statement, or fails with `portal "" does not exist`.
 * Here a connection keeps the backend from its first message until its unit of work is
 * complete: a simple Query or the startup message, or an extended-protocol sequence up to and
 * including its Sync; and for as long as it has a transaction open.
 *
 * Other per-session state (SET, temporary tables, advisory locks) is still shared by all
 * connections: PGlite is one session. Use SET LOCAL inside transactions.
 */

interface Pending {
  connectionId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: Error) => void;
}

// Parse, Bind, Describe, Execute, Close, Flush: the backend state they leave is consumed by a
// later message of the same connection, up to Sync.
const extendedProtocolTypes = new Set(["P", "B", "D", "E", "C", "H"].map((letter) => letter.charCodeAt(0)));
const syncType = "S".charCodeAt(0);

const syncMessage = new Uint8Array([syncType, 0, 0, 0, 4]);

function simpleQueryMessage(sql: string): Uint8Array {
  const text = new TextEncoder().encode(`${sql}\0`);
  const message = new Uint8Array(5 + text.length);
  message[0] = "Q".charCodeAt(0);
  new DataView(message.buffer).setInt32(1, 4 + text.length);
  message.set(text, 5);
  return message;
}

export class EmbeddedWireQueue {
  readonly #db: PGlite;
  #queue: Pending[] = [];
  /** The connection whose unit of work is in progress, if any. */
  #owner: number | null = null;
  /** The owner has sent extended-protocol messages not yet closed by a Sync. */
  #midSequence = false;
  #draining = false;

  constructor(db: PGlite) {
    this.#db = db;
  }

  enqueue(connectionId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ connectionId, message, onData, resolve, reject });
      void this.#drain();
    });
  }

  getQueueLength(): number {
    return this.#queue.length;
  }

  /** Drops the queued messages of a connection that went away. */
  clearQueueForHandler(connectionId: number): void {
    const dropped = this.#queue.filter((pending) => pending.connectionId === connectionId);
    this.#queue = this.#queue.filter((pending) => pending.connectionId !== connectionId);
    for (const pending of dropped) pending.reject(new Error("connection closed"));
  }

  /**
   * A connection that went away in the middle of its unit of work: end its extended-protocol
   * sequence and roll back its transaction, so the next connection starts from a clean backend.
   */
  async clearTransactionIfNeeded(connectionId: number): Promise<void> {
    if (this.#owner !== connectionId) return;
    await this.#db.runExclusive(async () => {
      if (this.#midSequence) await this.#db.execProtocolRaw(syncMessage);
      if (this.#db.isInTransaction()) await this.#db.execProtocolRaw(simpleQueryMessage("ROLLBACK"));
    });
    this.#owner = null;
    this.#midSequence = false;
    void this.#drain();
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (;;) {
        const index =
          this.#owner === null ? 0 : this.#queue.findIndex((pending) => pending.connectionId === this.#owner);
        // The owner's next message has not arrived yet: nobody else may run until it does.
        if (index < 0 || this.#queue.length === 0) return;
        const [next] = this.#queue.splice(index, 1);
        if (!next) return;
        await this.#run(next);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #run(pending: Pending): Promise<void> {
    let bytes = 0;
    try {
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(pending.message, {
          onRawData: (data) => {
            bytes += data.length;
            pending.onData(data);
          },
        }),
      );
    } catch (error) {
      pending.reject(error instanceof Error ? error : new Error(String(error)));
      return;
    } finally {
      const type = pending.message[0] ?? 0;
      this.#midSequence = extendedProtocolTypes.has(type) || (this.#midSequence && type !== syncType);
      this.#owner = this.#midSequence || this.#db.isInTransaction() ? pending.connectionId : null;
    }
    pending.resolve(bytes);
  }
}
