import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

/** Test support: a real feed server on a local port: records connections and what clients send. */
export class TestFeed {
  readonly connectedAt: number[] = [];
  readonly received: unknown[] = [];
  readonly sockets: WebSocket[] = [];

  private constructor(
    private readonly server: WebSocketServer,
    readonly port: number,
  ) {
    server.on("connection", (socket) => {
      this.connectedAt.push(Date.now());
      this.sockets.push(socket);
      socket.on("message", (data) => this.received.push(JSON.parse(data.toString())));
    });
  }

  static async start(options: { port?: number; autoPong?: boolean } = {}): Promise<TestFeed> {
    const server = new WebSocketServer({
      host: "127.0.0.1",
      port: options.port ?? 0,
      autoPong: options.autoPong ?? true,
    });
    await once(server, "listening");
    return new TestFeed(server, (server.address() as AddressInfo).port);
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get latest(): WebSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error("no client connected");
    return socket;
  }

  send(message: unknown): void {
    this.latest.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  onConnection(handler: (socket: WebSocket) => void): void {
    this.server.on("connection", handler);
  }

  /** Cuts every client off without a closing handshake, as a crashed server would. */
  dropClients(): void {
    for (const socket of this.server.clients) socket.terminate();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
