import type { ReadinessService } from "@tradeops/infra";
import type { FastifyInstance } from "fastify";

/**
 * `/healthz`: the process is alive and serving HTTP (liveness; never touches a dependency).
 * `/readyz`: every dependency answers, so a load balancer may route traffic here (readiness).
 */
export function registerHealthRoutes(app: FastifyInstance, readiness: ReadinessService) {
  app.get("/healthz", async () => ({ status: "ok", uptimeSeconds: Math.round(process.uptime()) }));
  app.get("/readyz", async (_request, reply) => {
    const report = await readiness.report();
    return reply.code(report.ready ? 200 : 503).send(report);
  });
}
