import { mkdir } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from "@electric-sql/pglite-socket";
import { EmbeddedWireQueue } from "./embedded-wire-queue";

export interface EmbeddedPostgresOptions {
  /** Folder holding the database files; created when missing, reused when it already holds a database. */
  dataDir: string;
  /** TCP port to listen on; 0 picks a free one (read it back from `port` or `connectionString`). */
  port: number;
  host?: string;
}

export interface EmbeddedPostgres {
  /** A `postgresql://` URL that pg, Prisma and psql accept. */
  connectionString: string;
  port: number;
  /** Closes client connections (rolling back their open transactions), then shuts the database down cleanly. */
  stop(): Promise<void>;
}

/** Enough for a Prisma pool, a pg pool and a migration runner side by side. */
const maxConnections = 16;

/**
 * PostgreSQL without a server install: PGlite (PostgreSQL compiled to WASM) served over the
 * Postgres wire protocol on a local port, data persisted in `dataDir`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create({ dataDir: options.dataDir });
  return serveEmbeddedPostgres(db, { port: options.port, host: options.host });
}

/**
 * Serves an open PGlite instance over the wire protocol; `stop()` also closes the instance.
 *
 * Connections are framed by @electric-sql/pglite-socket's handler, but scheduled by our own queue
 * (see embedded-wire-queue.ts): the package's server interleaves concurrent connections in a way
 * that breaks pooled clients.
 */
export async function serveEmbeddedPostgres(
  db: PGlite,
  options: { port: number; host?: string | undefined },
): Promise<EmbeddedPostgres> {
  const host = options.host ?? "127.0.0.1";
  // The handler's option is typed with the package's own (unexported) queue class; ours has the
  // same public methods.
  const queryQueue = new EmbeddedWireQueue(db) as unknown as PGLiteSocketHandlerOptions["queryQueue"];
  const handlers = new Set<PGLiteSocketHandler>();
  const sockets = new Set<Socket>();
  let accepting = true;

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    if (!accepting || handlers.size >= maxConnections) {
      refuse(socket, accepting ? "too many connections to the embedded database" : "the embedded database is stopping");
      return;
    }
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    const forget = () => handlers.delete(handler);
    handler.addEventListener("close", forget);
    handler.addEventListener("error", forget);
    handler.attach(socket).catch(() => {
      forget();
      socket.destroy();
    });
  });

  let port: number;
  try {
    port = await listen(server, options.port, host);
  } catch (error) {
    await db.close();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  return {
    connectionString: `postgresql://postgres:postgres@${host.includes(":") ? `[${host}]` : host}:${port}/postgres?sslmode=disable`,
    port,
    stop() {
      stopping ??= (async () => {
        accepting = false;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        await Promise.all([...handlers].map((handler) => handler.detach(true)));
        handlers.clear();
        // server.close() waits for every socket, including refused ones a client never closed.
        for (const socket of sockets) socket.destroy();
        await closed;
        // close() waits for statements already handed to PGlite, then shuts PostgreSQL down
        // (checkpoint included), so committed work is on disk when this resolves.
        await db.close();
      })();
      return stopping;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error(`embedded postgres: unexpected listening address ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}

/** A FATAL ErrorResponse (SQLSTATE 53300, too_many_connections), which clients report verbatim. */
function refuse(socket: Socket, message: string): void {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C53300\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write("E", 0);
  header.writeInt32BE(4 + fields.length, 1);
  socket.end(Buffer.concat([header, fields]), () => socket.destroy());
}
