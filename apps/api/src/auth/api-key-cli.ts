import { parseArgs } from "node:util";
import { createLogger, openDatabase, runtimeEnvShape } from "@tradeops/infra";
import { z } from "zod";
import { generateApiKey } from "./api-key";
import { userRoles } from "./authenticator";

/**
 * Creates a user (when no user has the e-mail) and an API key for it, and prints the key once:
 *   npm run api-key -w @tradeops/api -- --email officer@example.com --role risk_officer
 * Options: --name (the key's label), --display-name, --expires-days. DATABASE_URL as for the API.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: "string" },
      role: { type: "string" },
      name: { type: "string", default: "cli" },
      "display-name": { type: "string" },
      "expires-days": { type: "string" },
    },
  });
  const args = z
    .object({
      email: z.email("--email must be an e-mail address"),
      role: z.enum(userRoles, { error: `--role must be one of ${userRoles.join(", ")}` }),
      name: z.string().min(1),
      "display-name": z.string().min(1).optional(),
      "expires-days": z.coerce.number().int().min(1).max(3650).optional(),
    })
    .parse(values);
  const env = z.object({ DATABASE_URL: runtimeEnvShape.DATABASE_URL }).parse(process.env);
  const logger = createLogger({ name: "api-key", level: "warn" });
  const database = await openDatabase({ url: env.DATABASE_URL, poolMax: 2, migrate: true, logger });
  try {
    const created = generateApiKey();
    const expiresDays = args["expires-days"];
    const result = await database.repositories.apiKeys.createKey({
      email: args.email,
      displayName: args["display-name"] ?? args.email,
      role: args.role,
      keyName: args.name,
      prefix: created.prefix,
      keyHash: created.hash,
      expiresAt: expiresDays === undefined ? null : Date.now() + expiresDays * 86_400_000,
    });
    if (result.role !== args.role) {
      process.stderr.write(`note: ${args.email} already exists with role ${result.role}; the key has that role\n`);
    }
    process.stdout.write(`${created.key}\n`);
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof z.ZodError ? z.prettifyError(error) : String(error)}\n`);
  process.exit(1);
});
