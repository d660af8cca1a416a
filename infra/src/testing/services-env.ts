import { z } from "zod";

/**
 * The environment of the services test suite (`npm run test:services`): where the real
 * PostgreSQL, Redis and Kafka are. Parsed once; a missing or malformed variable fails the suite
 * with a message naming it, so a stopped service can never turn into a silent skip.
 */
const servicesEnvSchema = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, "a comma-separated list of host:port")
    .transform((value) => value.split(",")),
});

export type ServicesEnv = z.infer<typeof servicesEnvSchema>;

let parsed: ServicesEnv | undefined;

export function servicesEnv(): ServicesEnv {
  if (parsed) return parsed;
  const result = servicesEnvSchema.safeParse(process.env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`the services suite needs real services; fix the environment: ${problems}`);
  }
  parsed = result.data;
  return parsed;
}
