import { createServer } from "node:http";
import type { ReadinessService } from "@tradeops/infra";

/**
 * A workers process serves no traffic, but orchestrators still need to know it is alive and
 * connected: `/healthz` and `/readyz` with the same meaning as the API's.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  readiness: ReadinessService;
  roles: readonly string[];
}) {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "GET") return send(405, { error: { code: "METHOD_NOT_ALLOWED", message: "GET only" } });
    if (request.url === "/healthz")
      return send(200, { status: "ok", roles: options.roles, uptimeSeconds: Math.round(process.uptime()) });
    if (request.url === "/readyz") {
      options.readiness.report().then(
        (report) => send(report.ready ? 200 : 503, report),
        (error: unknown) => send(503, { ready: false, error: String(error) }),
      );
      return;
    }
    return send(404, { error: { code: "NOT_FOUND", message: `no route for ${request.url}` } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  return {
    url: typeof address === "object" && address ? `http://${options.host}:${address.port}` : String(address),
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}
