import { z } from "zod";

export const explanationInput = z.object({ decisionId: z.uuid() });
