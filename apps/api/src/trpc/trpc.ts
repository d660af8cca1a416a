import { initTRPC } from "@trpc/server";
import type { SystemService } from "../services/system-service";

/** What every procedure can reach: the services, never adapters or the database directly. */
interface TrpcContext {
  readonly services: { readonly system: SystemService };
  readonly requestId: string;
}

const t = initTRPC.context<TrpcContext>().create();

export const router = t.router;
export const publicProcedure = t.procedure;
