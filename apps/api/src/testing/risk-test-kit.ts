import {
  type ApiKeyLookup,
  type ApiKeyRepository,
  type BarReader,
  FeatureService,
  InProcessEventBus,
  LiveRiskGate,
  ManualClock,
  MarketRiskModel,
  MemoryFeatureCache,
  MemoryRiskControlRepository,
  Portfolio,
  type Repositories,
  ReturnsWindow,
  RiskControls,
  silentLogger,
  type UserRole,
} from "@tradeops/core";
import { ReadinessService } from "@tradeops/infra";
import { generateApiKey } from "../auth/api-key";
import { ApiKeyAuthenticator } from "../auth/authenticator";
import { buildServer } from "../server";
import { FeatureApiService } from "../services/feature-service";
import { LiveFeed } from "../services/live-feed";
import { RiskFeed } from "../services/risk-feed";
import { RiskService } from "../services/risk-service";
import { SystemService } from "../services/system-service";
import { TradingService } from "../services/trading-service";

interface StoredUser {
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
  disabledAt: number | null;
}

interface StoredKey {
  readonly keyId: string;
  readonly keyHash: string;
  readonly userId: string;
  readonly expiresAt: number | null;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

/** `ApiKeyRepository` in memory, with the database's semantics (an existing user keeps its role). */
export class MemoryApiKeyRepository implements ApiKeyRepository {
  readonly #users = new Map<string, StoredUser>();
  readonly #keys = new Map<string, StoredKey>();
  /** How many times a key was looked up: the authenticator's cache keeps this low. */
  lookups = 0;

  async createKey(input: Parameters<ApiKeyRepository["createKey"]>[0]) {
    let user = this.#users.get(input.email);
    if (user === undefined) {
      user = { id: `user-${this.#users.size + 1}`, email: input.email, role: input.role, disabledAt: null };
      this.#users.set(input.email, user);
    }
    const keyId = `key-${this.#keys.size + 1}`;
    this.#keys.set(input.prefix, {
      keyId,
      keyHash: input.keyHash,
      userId: user.id,
      expiresAt: input.expiresAt,
      revokedAt: null,
      lastUsedAt: null,
    });
    return { userId: user.id, role: user.role, keyId };
  }

  async findByPrefix(prefix: string): Promise<ApiKeyLookup | null> {
    this.lookups += 1;
    const key = this.#keys.get(prefix);
    const user = [...this.#users.values()].find((u) => u.id === key?.userId);
    if (key === undefined || user === undefined) return null;
    return {
      keyId: key.keyId,
      keyHash: key.keyHash,
      expiresAt: key.expiresAt,
      revokedAt: key.revokedAt,
      user: { id: user.id, email: user.email, role: user.role, disabledAt: user.disabledAt },
    };
  }

  async touch(keyId: string, time: number): Promise<void> {
    const key = this.#byId(keyId);
    if (key !== undefined) key.lastUsedAt = Math.max(key.lastUsedAt ?? time, time);
  }

  async revoke(keyId: string, time: number): Promise<void> {
    const key = this.#byId(keyId);
    if (key !== undefined) key.revokedAt = time;
  }

  disableUser(email: string, time: number): void {
    const user = this.#users.get(email);
    if (user !== undefined) user.disabledAt = time;
  }

  lastUsedAt(keyId: string): number | null {
    return this.#byId(keyId)?.lastUsedAt ?? null;
  }

  #byId(keyId: string): StoredKey | undefined {
    return [...this.#keys.values()].find((key) => key.keyId === keyId);
  }
}

/** A new key for `email` with `role`, stored in `repository`: the key itself and its id. */
export async function issueKey(
  repository: ApiKeyRepository,
  email: string,
  role: UserRole,
  expiresAt: number | null = null,
): Promise<{ key: string; keyId: string }> {
  const created = generateApiKey();
  const { keyId } = await repository.createKey({
    email,
    displayName: email,
    role,
    keyName: "test",
    prefix: created.prefix,
    keyHash: created.hash,
    expiresAt,
  });
  return { key: created.key, keyId };
}

const kitStart = Date.UTC(2026, 2, 4, 15, 0);

/**
 * The risk manager's real objects, in memory: risk controls over `MemoryRiskControlRepository`,
 * a live `Portfolio` with its `LiveRiskGate` (following the controls, with a market risk model
 * over a returns window), a `RiskFeed` on an in-process bus, the `RiskService` over them, and an
 * authenticator over `MemoryApiKeyRepository`.
 */
export async function riskKit(options: { hostsPortfolio?: boolean; startingCash?: number } = {}) {
  const clock = new ManualClock(kitStart);
  const sectors = { AAA: "technology", BBB: "technology", CCC: "energy", DDD: "energy" };
  const controls = new RiskControls({
    portfolioId: "main",
    repository: new MemoryRiskControlRepository(clock.now.bind(clock)),
    clock,
    logger: silentLogger,
  });
  await controls.load();
  const portfolio = new Portfolio({ startingCash: options.startingCash ?? 1_000_000, sectors });
  const returns = new ReturnsWindow({ intervalMs: 60_000, capacity: 2_000 });
  const gate = new LiveRiskGate({
    portfolio,
    limits: controls.limits,
    tradingState: controls.tradingState,
    clock,
    market: new MarketRiskModel(returns),
    reservationTtlMs: 60_000,
  });
  gate.follow(controls);
  const bus = new InProcessEventBus({});
  const feed = new RiskFeed({ bus, logger: silentLogger, groupId: "test-risk" });
  const hosted = options.hostsPortfolio ?? true;
  const risk = new RiskService({
    controls: async () => controls,
    gate: () => (hosted ? gate : undefined),
    feed,
    sectors,
    now: () => clock.now(),
    logger: silentLogger,
  });
  const apiKeys = new MemoryApiKeyRepository();
  const authenticator = new ApiKeyAuthenticator({ repository: apiKeys, now: () => clock.now(), logger: silentLogger });
  return { clock, controls, portfolio, gate, feed, risk, apiKeys, authenticator, sectors };
}

type RiskKit = Awaited<ReturnType<typeof riskKit>>;

const noDatabase = () => Promise.reject(new Error("the database was used in a risk API test"));
const unreachableBars: BarReader = {
  barsBetween: noDatabase,
  barsBefore: noDatabase,
  minuteBucketsBefore: noDatabase,
  knownSymbol: noDatabase,
};
const unreachableRepositories = new Proxy({} as Repositories, {
  get: (_target, name) => {
    throw new Error(`repositories.${String(name)} used in a risk API test`);
  },
});

/** The whole API server around a kit's risk service and authenticator; the other services never reach a database. */
export function riskTestServer(kit: RiskKit) {
  const now = () => kit.clock.now();
  const readiness = new ReadinessService([], { timeoutMs: 200, now });
  return buildServer({
    services: {
      readiness,
      system: new SystemService({
        readiness,
        migrations: async () => ({ applied: [], pending: [] }),
        mode: "embedded",
        version: "0.0.0",
        startedAt: now(),
        roles: [],
      }),
      live: new LiveFeed({ bus: new InProcessEventBus({}), logger: silentLogger, groupId: "test" }),
      trading: new TradingService({
        engine: () => undefined,
        explainer: () => Promise.reject(new Error("no models in this test")),
        repositories: unreachableRepositories,
        sectors: kit.sectors,
        now,
        logger: silentLogger,
      }),
      features: new FeatureApiService({
        features: new FeatureService({
          cache: new MemoryFeatureCache({}),
          bars: unreachableBars,
          clock: kit.clock,
          logger: silentLogger,
        }),
        history: { bars: unreachableBars, clock: kit.clock },
        now,
        logger: silentLogger,
      }),
      risk: kit.risk,
      publisherStats: () => undefined,
    },
    authenticator: kit.authenticator,
    logger: silentLogger,
    version: "0.0.0",
  });
}
