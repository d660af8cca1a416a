/** Distinct absence patterns remembered per feature set (warm-up staircases, the odd absent feature). */
const maximumTemplates = 512;

/**
 * Builds the `features` record of a vector: the present features' values under their names, in
 * registry order. It is the hot path's one allocation, so it is built the cheap way. V8 turns an
 * object that gains more than a dozen or so properties one computed key at a time into a slow
 * hash-table ("dictionary") object: with 55 features that made building, reading and serialising
 * each record cost more than computing every feature. Instead each record is a shallow copy of
 * a template that already holds exactly its keys, in order — a fast-properties object — whose
 * values are then overwritten in place (no property is added, so it stays fast).
 */
export class FeatureRecordBuilder {
  readonly #names: readonly string[];
  readonly #complete: Record<string, number>;
  readonly #partial = new Map<string, Record<string, number>>();

  constructor(names: readonly string[]) {
    this.#names = names;
    this.#complete = template(names);
  }

  /**
   * The record of `values[i]` under `names[i]` for every i with `present[i]` set; `presentCount`
   * is how many are set.
   */
  build(values: Float64Array, present: Uint8Array, presentCount: number): Record<string, number> {
    const names = this.#names;
    const record = { ...(presentCount === names.length ? this.#complete : this.#templateFor(present)) };
    for (let i = 0; i < names.length; i += 1) {
      if (present[i] === 1) record[names[i] as string] = values[i] as number;
    }
    return record;
  }

  #templateFor(present: Uint8Array): Record<string, number> {
    let key = "";
    for (let i = 0; i < present.length; i += 1) if (present[i] === 0) key += `${i},`;
    const cached = this.#partial.get(key);
    if (cached !== undefined) return cached;
    const made = template(this.#names.filter((_, i) => present[i] === 1));
    // A feature set that keeps producing new patterns still works, just without the cache's help.
    if (this.#partial.size < maximumTemplates) this.#partial.set(key, made);
    return made;
  }
}

/**
 * An object with exactly `names` as keys, in order. JSON.parse builds it with fast properties
 * whatever the count (unlike assignments through computed keys); the placeholder 0.5 makes every
 * field a double from the start, so writing real values never has to change the object's layout.
 */
function template(names: readonly string[]): Record<string, number> {
  const parsed: unknown = JSON.parse(`{${names.map((name) => `${JSON.stringify(name)}:0.5`).join(",")}}`);
  return parsed as Record<string, number>;
}
