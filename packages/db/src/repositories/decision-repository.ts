import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import { decisionRowFromEvent, eventFromDecisionRow } from "./decision-event-mapping";
import { nullableJson } from "./json-value";
import type {
  AuditEntry,
  DecisionExplanation,
  DecisionRepository,
  DecisionSummary,
  StoredDecision,
} from "./repository-ports";
import { type TradingDecisionEvent, tradingDecisionEventSchema } from "./trading-decision-event";

/** Who writes the `decision.explained` audit entry (a `system:<component>` principal). */
export const forensicsActor = "system:forensics";

/**
 * First key of the advisory lock that serialises saves of one decision id (the second is the id's
 * hash). The two-key space is apart from the one-key space tradeops_ensure_partitions() uses.
 */
const decisionSaveLockSpace = 0x64656369;

const explanationSchema = z.object({
  shapValues: z.record(z.string(), z.number().finite()),
  baseValue: z.number().finite(),
  modelOutput: z.number().finite(),
  regimeReasoning: z.string(),
  strategySelection: z.string(),
});

const epochMs = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

const auditEntrySchema = z.object({
  time: epochMs,
  actor: z.string().min(1),
  action: z.string().min(1),
  entityType: z.string().min(1),
  entityId: z.string().min(1),
  // JSON only: anything else (a Date, a Map, NaN) would not come back as it went in.
  before: z.json().optional(),
  after: z.json().optional(),
  reason: z.string().optional(),
});

/** An audit row as read back, with the SQL NULLs that mean "absent" told apart from JSON null. */
const auditRowSchema = z.object({
  time: z.date(),
  actor: z.string(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string(),
  before: z.json().nullable(),
  after: z.json().nullable(),
  before_absent: z.boolean(),
  after_absent: z.boolean(),
  reason: z.string().nullable(),
});

const listOptionsSchema = z.object({
  limit: z.number().int().min(1).max(1000),
  symbol: z.string().min(1).optional(),
});

/** Any 8-4-4-4-12 hex id PostgreSQL's uuid type accepts in canonical form. */
const decisionIdSchema = z.guid().transform((id) => id.toLowerCase());

/** Decisions with their explanations and audit trail (forensics). */
export class PrismaDecisionRepository implements DecisionRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  /**
   * Stores the decision, its explanation and a `decision.explained` audit entry in one
   * transaction. A decision id already stored (whatever its time) writes nothing and reports
   * `stored: false`: a redelivered event changes nothing, even when two deliveries race, because
   * saves of one id take the same transaction-scoped advisory lock before looking.
   * The decision's symbol must be a registered instrument (foreign key).
   */
  async saveExplainedDecision(
    event: TradingDecisionEvent,
    explanation: DecisionExplanation,
  ): Promise<{ stored: boolean }> {
    const row = decisionRowFromEvent(tradingDecisionEventSchema.parse(event));
    const explained = explanationSchema.parse(explanation);
    return this.#prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${decisionSaveLockSpace}::int4, hashtext(${row.id}))`;
      const existing = await tx.decision.findFirst({ where: { id: row.id }, select: { id: true } });
      if (existing) return { stored: false };
      await tx.decision.create({
        data: {
          ...row,
          explanation: {
            create: {
              shapValues: explained.shapValues,
              baseValue: explained.baseValue,
              modelOutput: explained.modelOutput,
              regimeReasoning: explained.regimeReasoning,
              strategySelection: explained.strategySelection,
            },
          },
        },
      });
      await tx.auditEvent.create({
        data: {
          actor: forensicsActor,
          action: "decision.explained",
          entityType: "decision",
          entityId: row.id,
          after: { base_value: explained.baseValue, model_output: explained.modelOutput },
        },
      });
      return { stored: true };
    });
  }

  /** Appends the entries as given (their own times); entries are never updated or deleted. */
  async appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    const parsed = z.array(auditEntrySchema).parse(entries);
    if (parsed.length === 0) return;
    await this.#prisma.auditEvent.createMany({
      data: parsed.map((entry) => ({
        time: new Date(entry.time),
        actor: entry.actor,
        action: entry.action,
        entityType: entry.entityType,
        entityId: entry.entityId,
        before: nullableJson(entry.before),
        after: nullableJson(entry.after),
        reason: entry.reason ?? null,
      })),
    });
  }

  /**
   * The event as it was published, its explanation (null when none was stored) and its audit
   * trail (entries about entity `decision` with this id, oldest first). An id that is not a
   * uuid finds nothing rather than failing in the database.
   */
  async findDecision(decisionId: string): Promise<StoredDecision | null> {
    const id = decisionIdSchema.safeParse(decisionId);
    if (!id.success) return null;
    const row = await this.#prisma.decision.findFirst({
      where: { id: id.data },
      include: { explanation: true },
      orderBy: { time: "asc" },
    });
    if (!row) return null;
    const auditRows = await this.#prisma.$queryRaw<unknown[]>`
      SELECT time, actor, action, entity_type, entity_id, before, after,
             before IS NULL AS before_absent, after IS NULL AS after_absent, reason
      FROM audit_events
      WHERE entity_type = 'decision' AND entity_id = ${id.data}
      ORDER BY time, id`;
    return {
      event: eventFromDecisionRow(row),
      explanation: row.explanation && {
        shapValues: z.record(z.string(), z.number()).parse(row.explanation.shapValues),
        baseValue: row.explanation.baseValue,
        modelOutput: row.explanation.modelOutput,
        regimeReasoning: row.explanation.regimeReasoning,
        strategySelection: row.explanation.strategySelection,
      },
      audit: z.array(auditRowSchema).parse(auditRows).map(auditEntryFromRow),
    };
  }

  /** The latest decisions, newest first, of one symbol or all. */
  async listRecent(options: { limit: number; symbol?: string }): Promise<DecisionSummary[]> {
    const { limit, symbol } = listOptionsSchema.parse(options);
    const rows = await this.#prisma.decision.findMany({
      where: symbol === undefined ? {} : { symbol },
      orderBy: [{ time: "desc" }, { id: "desc" }],
      take: limit,
      select: {
        id: true,
        time: true,
        symbol: true,
        action: true,
        quantity: true,
        confidence: true,
        explanation: { select: { decisionId: true } },
      },
    });
    return rows.map((row) => ({
      decisionId: row.id,
      time: row.time.toISOString(),
      symbol: row.symbol,
      action: tradingDecisionEventSchema.shape.action.parse(row.action),
      quantity: row.quantity,
      confidence: row.confidence,
      explained: row.explanation !== null,
    }));
  }
}

function auditEntryFromRow(row: z.infer<typeof auditRowSchema>): AuditEntry {
  return {
    time: row.time.getTime(),
    actor: row.actor,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    ...(row.before_absent ? {} : { before: row.before }),
    ...(row.after_absent ? {} : { after: row.after }),
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
}
