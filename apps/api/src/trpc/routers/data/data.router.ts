import { TRPCError } from "@trpc/server";
import { ApiError } from "../../../http/api-error";
import { publicProcedure, router } from "../../trpc";
import { historyPageInput } from "./data.schemas";

const trpcCodes = { 404: "NOT_FOUND", 422: "UNPROCESSABLE_CONTENT", 503: "SERVICE_UNAVAILABLE" } as const;

/** The REST status of a data-service failure as the matching tRPC code; anything else is rethrown. */
function asTrpcError(error: unknown): never {
  if (error instanceof ApiError && (error.statusCode === 404 || error.statusCode === 422 || error.statusCode === 503)) {
    throw new TRPCError({ code: trpcCodes[error.statusCode], message: error.message, cause: error });
  }
  throw error;
}

export const dataRouter = router({
  /** Bars and their features between two times, a page at a time (the console's history view). */
  history: publicProcedure
    .input(historyPageInput)
    .query(({ ctx, input }) => ctx.services.features.historyPage(input).catch(asTrpcError)),
});
