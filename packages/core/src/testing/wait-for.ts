export interface WaitForOptions {
  /** Give up after this long; default 5 s. */
  readonly timeoutMs?: number;
  /** Pause between probes; default 10 ms. */
  readonly intervalMs?: number;
  /** What is being waited for, named in the timeout error. */
  readonly description?: string;
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | "">;

/**
 * Polls `probe` until it returns a truthy value and resolves with that value, so tests await a
 * condition instead of sleeping for a guessed duration. A probe that throws counts as "not yet"
 * (a service may be coming back); the last error is quoted if the wait times out.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Truthy<Awaited<T>>> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const intervalMs = options.intervalMs ?? 10;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as Truthy<Awaited<T>>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? "condition";
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Resolves after `ms`: for simulating work inside handlers, never for waiting on a condition. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
