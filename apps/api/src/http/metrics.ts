import type { CacheCounts, RejectionCount } from "@tradeops/core";
import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

/**
 * Prometheus metrics for this process: runtime defaults, request latency by route and status, and
 * the feature cache's requests by result (hit rate = hit / all; spec: > 90 %).
 */
export function installMetrics(
  app: FastifyInstance,
  options: {
    service: string;
    featureCache?: () => CacheCounts;
    /** Market data set aside by this process's sources (when it hosts the market role). */
    marketDataRejections?: () => readonly RejectionCount[];
  },
) {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry });
  const latency = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request latency by route and status code.",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [registry],
  });
  const featureCache = options.featureCache;
  if (featureCache !== undefined) {
    new Counter({
      name: "feature_cache_requests_total",
      help: "Feature requests by how the feature cache fared: hit, miss (recomputed) or error (cache failing, recomputed).",
      labelNames: ["result"] as const,
      registers: [registry],
      // The feature service counts; a scrape reads its totals, so nothing on the request path touches prom-client.
      collect() {
        const counts = featureCache();
        this.reset();
        for (const result of ["hit", "miss", "error"] as const) this.inc({ result }, counts[result]);
      },
    });
  }
  const rejections = options.marketDataRejections;
  if (rejections !== undefined) {
    new Counter({
      name: "market_data_rejected_total",
      help: "Market data set aside (dead-lettered to rejected_ticks) by source and reason.",
      labelNames: ["source", "reason"] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { source, reason, count } of rejections()) this.inc({ source, reason }, count);
      },
    });
  }
  app.addHook("onResponse", async (request, reply) => {
    latency.observe(
      { method: request.method, route: request.routeOptions.url ?? "unmatched", status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.get("/metrics", async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  return registry;
}
