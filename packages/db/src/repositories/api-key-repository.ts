import { z } from "zod";
import type { PrismaClient } from "../generated/prisma/client";
import type { ApiKeyLookup, ApiKeyRepository, CreateApiKeyInput, UserRole } from "./repository-ports";

const userRole = z.enum(["trader", "researcher", "risk_officer", "admin"]);

const createSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  displayName: z.string().trim().min(1),
  role: userRole,
  keyName: z.string().trim().min(1),
  prefix: z.string().min(6),
  keyHash: z.string().regex(/^[0-9a-f]{64}$/, "a hex SHA-256"),
  expiresAt: z.number().int().nullable(),
});

const uuid = z.uuid();

/** Users and their API keys (`users`, `api_keys`): only a SHA-256 of each key is stored. */
export class PrismaApiKeyRepository implements ApiKeyRepository {
  readonly #prisma: PrismaClient;

  constructor(prisma: PrismaClient) {
    this.#prisma = prisma;
  }

  async createKey(input: CreateApiKeyInput): Promise<{ userId: string; role: UserRole; keyId: string }> {
    const parsed = createSchema.parse(input);
    return this.#prisma.$transaction(async (tx) => {
      const user = await tx.user.upsert({
        where: { email: parsed.email },
        create: { email: parsed.email, displayName: parsed.displayName, role: parsed.role },
        update: {},
      });
      const key = await tx.apiKey.create({
        data: {
          userId: user.id,
          name: parsed.keyName,
          prefix: parsed.prefix,
          keyHash: parsed.keyHash,
          expiresAt: parsed.expiresAt === null ? null : new Date(parsed.expiresAt),
        },
      });
      return { userId: user.id, role: userRole.parse(user.role), keyId: key.id };
    });
  }

  async findByPrefix(prefix: string): Promise<ApiKeyLookup | null> {
    const row = await this.#prisma.apiKey.findUnique({ where: { prefix }, include: { user: true } });
    if (row === null) return null;
    return {
      keyId: row.id,
      keyHash: row.keyHash,
      expiresAt: row.expiresAt?.getTime() ?? null,
      revokedAt: row.revokedAt?.getTime() ?? null,
      user: {
        id: row.user.id,
        email: row.user.email,
        role: userRole.parse(row.user.role),
        disabledAt: row.user.disabledAt?.getTime() ?? null,
      },
    };
  }

  async touch(keyId: string, time: number): Promise<void> {
    const id = uuid.parse(keyId);
    const at = new Date(time);
    await this.#prisma.$executeRaw`
      UPDATE api_keys SET last_used_at = ${at}
      WHERE id = ${id}::uuid AND (last_used_at IS NULL OR last_used_at < ${at})`;
  }

  async revoke(keyId: string, time: number): Promise<void> {
    const id = uuid.parse(keyId);
    await this.#prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date(time) } });
  }
}
