import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { parseWebEnv } from "./src/env";

/**
 * The console's server: Next.js for pages, and a streaming pass-through for the API paths so the
 * browser talks to one origin (tRPC queries and server-sent-event subscriptions included).
 */
const env = parseWebEnv(process.env);
const api = new URL(env.API_URL);
const proxied = ["/trpc/", "/api/v1/"];

const app = next({
  dev: env.NODE_ENV === "development",
  dir: import.meta.dirname,
  hostname: env.WEB_HOST,
  port: env.WEB_PORT,
});
const handle = app.getRequestHandler();

function proxy(incoming: IncomingMessage, outgoing: ServerResponse) {
  const upstream = httpRequest(
    {
      protocol: api.protocol,
      hostname: api.hostname,
      port: api.port,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: api.host, "x-forwarded-host": incoming.headers.host ?? "" },
    },
    (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    },
  );
  upstream.on("error", (error) => {
    if (outgoing.headersSent) return outgoing.destroy(error);
    outgoing.writeHead(502, { "content-type": "application/json" });
    outgoing.end(
      JSON.stringify({
        error: { code: "API_UNREACHABLE", message: `the API at ${api.origin} did not answer: ${error.message}` },
      }),
    );
  });
  incoming.on("aborted", () => upstream.destroy());
  incoming.pipe(upstream);
}

await app.prepare();
const server = createServer((request, response) => {
  if (proxied.some((prefix) => request.url?.startsWith(prefix))) return proxy(request, response);
  void handle(request, response);
});

const shutdown = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
// Spawned by the launcher with an IPC channel: never outlive it.
if (process.send) process.on("disconnect", shutdown);

server.listen(env.WEB_PORT, env.WEB_HOST, () => {
  const url = `http://${env.WEB_HOST}:${env.WEB_PORT}`;
  process.stdout.write(
    `${JSON.stringify({ level: 30, service: "web", msg: "console listening", url, api: api.origin })}\n`,
  );
  process.send?.({ type: "ready", service: "web", url });
});
