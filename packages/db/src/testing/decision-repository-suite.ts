import { beforeAll, expect, it } from "vitest";
import { forensicsActor, PrismaDecisionRepository } from "../repositories/decision-repository";
import type { DecisionExplanation } from "../repositories/repository-ports";
import type { TradingDecisionEvent } from "../repositories/trading-decision-event";
import { useMigratedDatabase } from "./migrated-database";
import type { TestDatabaseFactory } from "./test-database";

/** A valid (version 4, RFC variant) uuid numbered n. */
function decisionId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

/** The spec's example event, nothing more. */
const specEvent: TradingDecisionEvent = {
  event_type: "trading_decision",
  timestamp: "2025-10-21T14:30:00Z",
  decision_id: "550e8400-e29b-41d4-a716-446655440000",
  symbol: "AAPL",
  action: "BUY",
  quantity: 100,
  confidence: 0.85,
  regime_probs: { bull: 0.65, bear: 0.15, sideways: 0.2 },
  strategy_weights: { bull_specialist: 0.6, bear_specialist: 0.1, sideways_specialist: 0.3 },
  features: { rsi: 45.3, macd: 0.012, volume_ratio: 1.23 },
  risk_checks: { position_limit_ok: true, concentration_ok: true, correlation_ok: true },
};

/** Every optional field set, with numbers that a lossy path (float4, rounding, text) would change. */
function fullEvent(n: number): TradingDecisionEvent {
  return {
    ...specEvent,
    timestamp: "2025-10-21T14:30:00.123Z",
    decision_id: decisionId(n),
    action: "SELL",
    quantity: 37.5,
    confidence: 1 / 3,
    regime_probs: { bull: 0.1, bear: 0.7, sideways: 0.2 },
    strategy_weights: { bull_specialist: 0.05, bear_specialist: 0.8, sideways_specialist: 0.15 },
    features: { rsi_14: 45.3, macd: -0.000123456789, tiny: 5e-324, huge: 1.7976931348623157e308, third: 1 / 3 },
    risk_checks: { position_limit_ok: true, concentration_ok: false },
    price: 175.23,
    score: -0.41823,
    regime_entropy: 0.8018185525433373,
    model_versions: {
      sideways_specialist: "sideways_specialist@5",
      bull_specialist: "bull_specialist@3",
      bear_specialist: "bear_specialist@2",
    },
    risk_approved: false,
    processing_time_ms: 4.56,
    source: "live",
  };
}

const explanation: DecisionExplanation = {
  shapValues: { rsi_14: 0.15, macd: 0.12, volume_ratio: -0.05 },
  baseValue: 0.63,
  modelOutput: 0.85,
  regimeReasoning: "Bull regime probability (65%)",
  strategySelection: "bull specialist at 60%",
};

/** The DecisionRepository against a migrated database. */
export function decisionRepositorySuite(createFactory: () => Promise<TestDatabaseFactory>): void {
  const db = useMigratedDatabase(createFactory);
  const repository = () => new PrismaDecisionRepository(db.prisma);

  beforeAll(async () => {
    await db.prisma.instrument.createMany({
      data: ["AAPL", "MSFT", "LIST"].map((symbol) => ({ symbol, name: symbol, sector: "Technology" })),
    });
  });

  async function rowCounts(id: string) {
    return {
      decisions: await db.prisma.decision.count({ where: { id } }),
      explanations: await db.prisma.decisionExplanation.count({ where: { decisionId: id } }),
      audit: await db.prisma.auditEvent.count({ where: { entityType: "decision", entityId: id } }),
    };
  }

  it("gives back the spec's event exactly, with its explanation and a decision.explained entry", async () => {
    expect(await repository().saveExplainedDecision(specEvent, explanation)).toEqual({ stored: true });
    const stored = await repository().findDecision(specEvent.decision_id);
    // toStrictEqual: an optional field the event did not have must not come back, not even as undefined.
    expect(stored?.event).toStrictEqual(specEvent);
    expect(stored?.explanation).toStrictEqual(explanation);
    expect(stored?.audit).toHaveLength(1);
    expect(stored?.audit[0]).toMatchObject({
      actor: forensicsActor,
      action: "decision.explained",
      entityType: "decision",
      entityId: specEvent.decision_id,
      after: { base_value: 0.63, model_output: 0.85 },
    });
    expect(stored?.audit[0]).not.toHaveProperty("before");
    expect(stored?.audit[0]).not.toHaveProperty("reason");
  });

  it("round-trips an event with every optional field losslessly", async () => {
    const event = fullEvent(1);
    await repository().saveExplainedDecision(event, explanation);
    expect((await repository().findDecision(event.decision_id))?.event).toStrictEqual(event);
  });

  it("maps the event onto the decisions columns", async () => {
    const event = fullEvent(2);
    await repository().saveExplainedDecision(event, explanation);
    const row = await db.prisma.decision.findFirstOrThrow({ where: { id: event.decision_id } });
    expect(row).toMatchObject({
      time: new Date("2025-10-21T14:30:00.123Z"),
      symbol: "AAPL",
      action: "SELL",
      quantity: 37.5,
      probBull: 0.1,
      probBear: 0.7,
      probSideways: 0.2,
      regimeEntropy: 0.8018185525433373,
      riskApproved: false,
      riskChecks: { position_limit_ok: true, concentration_ok: false },
      // The compact form lists the versions in specialist-name order.
      modelVersion: "bear_specialist@2,bull_specialist@3,sideways_specialist@5",
      latencyMs: 4.56,
      price: 175.23,
      score: -0.41823,
      source: "live",
      execution: null,
    });
  });

  it("keeps the published timestamp text, offset and digits included, and stores its instant", async () => {
    const event = { ...fullEvent(3), symbol: "MSFT", timestamp: "2025-10-21T16:30:00.123456+02:00" };
    await repository().saveExplainedDecision(event, explanation);
    expect((await repository().findDecision(event.decision_id))?.event.timestamp).toBe(
      "2025-10-21T16:30:00.123456+02:00",
    );
    const [summary] = await repository().listRecent({ limit: 1, symbol: "MSFT" });
    expect(summary?.time).toBe("2025-10-21T14:30:00.123Z");
  });

  it("changes nothing when an event is delivered again, even with another payload or time", async () => {
    const event = fullEvent(4);
    expect(await repository().saveExplainedDecision(event, explanation)).toEqual({ stored: true });
    const before = await repository().findDecision(event.decision_id);
    expect(await repository().saveExplainedDecision(event, explanation)).toEqual({ stored: false });
    expect(
      await repository().saveExplainedDecision(
        { ...event, quantity: 1, timestamp: "2025-10-22T09:00:00Z" },
        { ...explanation, modelOutput: -1 },
      ),
    ).toEqual({ stored: false });
    expect(await repository().findDecision(event.decision_id)).toStrictEqual(before);
    expect(await rowCounts(event.decision_id)).toEqual({ decisions: 1, explanations: 1, audit: 1 });
  });

  it("stores a decision once when deliveries of it race", async () => {
    const event = fullEvent(5);
    const results = await Promise.all([
      repository().saveExplainedDecision(event, explanation),
      repository().saveExplainedDecision(event, explanation),
    ]);
    expect(results.map((result) => result.stored).sort()).toEqual([false, true]);
    expect(await rowCounts(event.decision_id)).toEqual({ decisions: 1, explanations: 1, audit: 1 });

    const many = fullEvent(6);
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        repository().saveExplainedDecision({ ...many, quantity: i }, { ...explanation, baseValue: i }),
      ),
    );
    expect(outcomes.filter((outcome) => outcome.stored)).toHaveLength(1);
    expect(await rowCounts(many.decision_id)).toEqual({ decisions: 1, explanations: 1, audit: 1 });
    // Whichever delivery won, its decision and explanation were stored together.
    const stored = await repository().findDecision(many.decision_id);
    expect(stored?.explanation?.baseValue).toBe(stored?.event.quantity);
  });

  it("writes the decision, explanation and audit entry together or not at all", async () => {
    const event = fullEvent(7);
    await db.prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.entity_id = '${event.decision_id}' THEN RAISE EXCEPTION 'audit refused by the test'; END IF;
        RETURN NEW;
      END
      $$`);
    await db.prisma.$executeRawUnsafe(
      "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
    );
    await expect(repository().saveExplainedDecision(event, explanation)).rejects.toThrow(/audit refused by the test/);
    expect(await rowCounts(event.decision_id)).toEqual({ decisions: 0, explanations: 0, audit: 0 });

    const unknownSymbol = { ...fullEvent(8), symbol: "ZZZZ" };
    await expect(repository().saveExplainedDecision(unknownSymbol, explanation)).rejects.toThrow(/foreign key/i);
    expect(await rowCounts(unknownSymbol.decision_id)).toEqual({ decisions: 0, explanations: 0, audit: 0 });
  });

  it("refuses an event it could not store losslessly or that is not valid", async () => {
    const extra = { ...fullEvent(9), venue: "XNAS" } as TradingDecisionEvent;
    await expect(repository().saveExplainedDecision(extra, explanation)).rejects.toThrow(/venue/);
    const unnormalised = { ...fullEvent(10), regime_probs: { bull: 0.5, bear: 0.5, sideways: 0.5 } };
    await expect(repository().saveExplainedDecision(unnormalised, explanation)).rejects.toThrow(
      /decisions_probs_check/,
    );
    await expect(
      repository().saveExplainedDecision(fullEvent(11), { ...explanation, baseValue: Number.NaN }),
    ).rejects.toThrow(/baseValue/);
    for (const n of [9, 10, 11]) {
      expect(await rowCounts(decisionId(n))).toEqual({ decisions: 0, explanations: 0, audit: 0 });
    }
  });

  it("keeps the audit trail of a decision oldest first, null apart from absent", async () => {
    const event = fullEvent(12);
    await repository().saveExplainedDecision(event, explanation);
    const id = event.decision_id;
    const eventTime = Date.parse(event.timestamp);
    const execution = {
      time: eventTime + 300_000,
      actor: "system:execution",
      action: "decision.executed",
      entityType: "decision",
      entityId: id,
      before: null,
      after: { executed: true, execution_price: 175.25, fills: [{ qty: 37.5, price: 175.25 }] },
    };
    const riskCheck = {
      time: eventTime + 1,
      actor: "system:risk",
      action: "risk.checked",
      entityType: "decision",
      entityId: id,
      after: { approved: false, checks: { position_limit_ok: true, concentration_ok: false } },
      reason: "concentration above the sector limit",
    };
    await repository().appendAudit([
      execution,
      riskCheck,
      // Not this decision's trail: another entity type, another decision.
      { time: eventTime, actor: "system:orders", action: "order.created", entityType: "order", entityId: id },
      {
        time: eventTime,
        actor: "system:risk",
        action: "risk.checked",
        entityType: "decision",
        entityId: decisionId(99),
      },
    ]);
    const audit = (await repository().findDecision(id))?.audit ?? [];
    expect(audit.map((entry) => entry.action)).toEqual(["risk.checked", "decision.executed", "decision.explained"]);
    expect(audit[0]).toStrictEqual(riskCheck);
    expect(audit[1]).toStrictEqual(execution);
    await expect(repository().appendAudit([{ ...riskCheck, after: new Date(eventTime) }])).rejects.toThrow(/after/);
  });

  it("finds nothing for an unknown or malformed id, and finds an id written in capitals", async () => {
    expect(await repository().findDecision(decisionId(4242))).toBeNull();
    for (const malformed of [
      "42",
      "",
      "not-a-uuid",
      "550e8400-e29b-41d4-a716-44665544000g",
      "'; DROP TABLE decisions; --",
    ]) {
      expect(await repository().findDecision(malformed)).toBeNull();
    }
    expect((await repository().findDecision(specEvent.decision_id.toUpperCase()))?.event).toStrictEqual(specEvent);
  });

  it("lists the latest decisions, newest first, of one symbol or all, saying which are explained", async () => {
    const times = ["2030-01-02T10:00:00Z", "2030-01-02T10:01:00Z", "2030-01-02T10:02:00Z"];
    for (const [i, timestamp] of times.entries()) {
      await repository().saveExplainedDecision(
        { ...fullEvent(20 + i), symbol: "LIST", timestamp, quantity: i, action: "BUY" },
        explanation,
      );
    }
    // A decision stored without an explanation (by another writer), the newest of all.
    await db.prisma.decision.create({
      data: {
        id: decisionId(30),
        time: new Date("2030-01-02T10:03:00Z"),
        symbol: "LIST",
        action: "HOLD",
        quantity: 0,
        confidence: 0.5,
        probBull: 0.5,
        probBear: 0.25,
        probSideways: 0.25,
        strategyWeights: {},
        features: {},
        riskChecks: {},
        modelVersion: "unknown",
      },
    });
    expect(await repository().listRecent({ limit: 3, symbol: "LIST" })).toEqual([
      {
        decisionId: decisionId(30),
        time: "2030-01-02T10:03:00.000Z",
        symbol: "LIST",
        action: "HOLD",
        quantity: 0,
        confidence: 0.5,
        explained: false,
      },
      ...[2, 1].map((i) => ({
        decisionId: decisionId(20 + i),
        time: new Date(times[i] ?? "").toISOString(),
        symbol: "LIST",
        action: "BUY",
        quantity: i,
        confidence: 1 / 3,
        explained: true,
      })),
    ]);
    expect((await repository().listRecent({ limit: 2 })).map((summary) => summary.decisionId)).toEqual([
      decisionId(30),
      decisionId(22),
    ]);
    // The row written without the event columns still reads back as a (minimal) event.
    expect((await repository().findDecision(decisionId(30)))?.event).toStrictEqual({
      event_type: "trading_decision",
      timestamp: "2030-01-02T10:03:00.000Z",
      decision_id: decisionId(30),
      symbol: "LIST",
      action: "HOLD",
      quantity: 0,
      confidence: 0.5,
      regime_probs: { bull: 0.5, bear: 0.25, sideways: 0.25 },
      strategy_weights: {},
      features: {},
      risk_checks: {},
    });
    await expect(repository().listRecent({ limit: 0 })).rejects.toThrow(/limit/);
  });
}
