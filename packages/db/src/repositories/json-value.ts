import { Prisma } from "../generated/prisma/client";

/**
 * A value for a nullable jsonb column that keeps `undefined` and `null` apart: `undefined` leaves
 * the column SQL NULL (read back as an absent field), `null` stores the JSON null.
 */
export function nullableJson(
  value: Prisma.InputJsonValue | null | undefined,
): Prisma.InputJsonValue | typeof Prisma.JsonNull | undefined {
  return value === null ? Prisma.JsonNull : value;
}
