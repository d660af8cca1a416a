import { publicProcedure, router } from "../../trpc";
import { systemStatusOutput } from "./system.schemas";

export const systemRouter = router({
  status: publicProcedure.output(systemStatusOutput).query(({ ctx }) => ctx.services.system.status()),
});
