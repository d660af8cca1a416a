import { ConfigError } from "@tradeops/core";
import { workerRoleNames } from "@tradeops/infra";
import { describe, expect, it } from "vitest";
import { parseApiEnv } from "./env";

describe("parseApiEnv", () => {
  it("selects the embedded mode when nothing is set", () => {
    const env = parseApiEnv({});
    expect(env.API_PORT).toBe(4000);
    expect(env.DATABASE_URL).toBe("postgresql://postgres@127.0.0.1:54329/postgres");
    expect(env.KAFKA_BROKERS).toBeUndefined();
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.DB_MIGRATE_ON_START).toBe(true);
    expect(env.WORKER_ROLES).toEqual([...workerRoleNames]);
  });

  it("hosts no worker role by default once Kafka carries the events", () => {
    const env = parseApiEnv({ KAFKA_BROKERS: "k1:9092,k2:9092", REDIS_URL: "redis://cache:6379" });
    expect(env.KAFKA_BROKERS).toEqual(["k1:9092", "k2:9092"]);
    expect(env.WORKER_ROLES).toEqual([]);
  });

  it("parses boolean flags strictly", () => {
    expect(parseApiEnv({ DB_MIGRATE_ON_START: "false" }).DB_MIGRATE_ON_START).toBe(false);
    expect(parseApiEnv({ DB_MIGRATE_ON_START: "1" }).DB_MIGRATE_ON_START).toBe(true);
    expect(() => parseApiEnv({ DB_MIGRATE_ON_START: "yes" })).toThrow(/DB_MIGRATE_ON_START: must be true or false/);
  });

  it("names every wrong variable and what it got", () => {
    let error: unknown;
    try {
      parseApiEnv({ API_PORT: "http", REDIS_URL: "localhost:6379", KAFKA_BROKERS: "broker" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("API_PORT: ");
    expect(message).toContain('(got "http")');
    expect(message).toContain("REDIS_URL: must be a redis:// or rediss:// URL");
    expect(message).toContain("KAFKA_BROKERS: must be a comma-separated list of host:port");
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it("rejects an unknown worker role", () => {
    expect(() => parseApiEnv({ WORKER_ROLES: "maintenance,nonsense" })).toThrow(/WORKER_ROLES: unknown role nonsense/);
  });
});
