import { z } from "zod";
import type { Prng } from "../random/prng";
import type { TrainingSet } from "./training-set";

/**
 * The reference rows SHAP explanations are measured against ("feature unknown" is replaced by a
 * background row's value), stored with the models they were drawn for.
 */
export const shapBackgroundSchema = z
  .object({
    format: z.literal("tradeops.shap-background"),
    formatVersion: z.literal(1),
    featureNames: z.array(z.string().min(1)).min(1),
    rows: z.array(z.array(z.number().finite())).min(1),
  })
  .refine((b) => new Set(b.featureNames).size === b.featureNames.length, { message: "feature names must be distinct" })
  .refine((b) => b.rows.every((row) => row.length === b.featureNames.length), {
    message: "every row has one value per feature",
  });

export type ShapBackground = z.infer<typeof shapBackgroundSchema>;

/**
 * `size` rows of the training set, stratified over time and symbols: the kept bars are cut into
 * `size` consecutive strata of (almost) equal length and stratum k gives one row, at a bar drawn
 * uniformly within it, of symbol `order[k mod symbols]` for a seeded permutation `order`. So the
 * sample spans the whole history (every regime it went through) and spreads evenly over the
 * symbols (no symbol twice before every symbol once), and the seed fixes it.
 */
export function sampleShapBackground(set: TrainingSet, size: number, prng: Prng): ShapBackground {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`background size must be a positive integer, got ${size}`);
  if (set.bars < size) throw new RangeError(`${set.bars} bars cannot give ${size} time strata`);
  const symbols = set.rowsPerBar;
  const order = Array.from({ length: symbols }, (_, s) => s);
  // Fisher-Yates: every permutation equally likely.
  for (let i = symbols - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    const swap = order[i] as number;
    order[i] = order[j] as number;
    order[j] = swap;
  }
  const rows: number[][] = [];
  for (let k = 0; k < size; k++) {
    const start = Math.floor((k * set.bars) / size);
    const end = Math.floor(((k + 1) * set.bars) / size);
    const bar = start + prng.int(end - start);
    const symbol = order[k % symbols] as number;
    const row = set.rows[bar * symbols + symbol];
    if (row === undefined) throw new RangeError(`no row for bar ${bar}, symbol ${symbol}`);
    rows.push(set.featureNames.map((name) => row[name] as number));
  }
  return shapBackgroundSchema.parse({
    format: "tradeops.shap-background",
    formatVersion: 1,
    featureNames: [...set.featureNames],
    rows,
  });
}
