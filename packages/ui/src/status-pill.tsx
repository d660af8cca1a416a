export type Tone = "ok" | "warn" | "bad" | "neutral";

/** A short coloured label for a state: ready, degraded, halted. */
export function StatusPill({ tone, children }: { tone: Tone; children: string }) {
  return (
    <span className={`pill pill-${tone}`} data-tone={tone}>
      {children}
    </span>
  );
}
