/** Uniform draws in [0, 1): what the training routines take, so a seeded generator makes runs reproducible. */
export type UniformSource = () => number;

/** A standard normal draw (Box–Muller) from two uniforms. */
export function standardNormal(random: UniformSource): number {
  // 1 − u lies in (0, 1], so the logarithm is finite.
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher–Yates, in place. */
export function shuffleInPlace(values: Uint32Array | number[], random: UniformSource): void {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const held = values[i] as number;
    values[i] = values[j] as number;
    values[j] = held;
  }
}
