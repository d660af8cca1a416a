function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/** `toFixed` without the "-0.00" a tiny negative number rounds to. */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "—";
  const text = value.toFixed(digits);
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/** A signed number ("+0.1500", "-0.0500", "0.0000"), for contributions whose sign is the point. */
export function formatSigned(value: number, digits: number): string {
  const text = formatFixed(value, digits);
  return value > 0 && text !== formatFixed(0, digits) ? `+${text}` : text;
}

/** A fraction as a percentage: 0.6543 -> "65.4%". */
export function formatPercent(fraction: number, digits = 1): string {
  return Number.isFinite(fraction) ? `${formatFixed(fraction * 100, digits)}%` : "—";
}

/**
 * Epoch milliseconds as HH:MM:SS in UTC. UTC rather than the viewer's zone so the server's render and the
 * browser's hydration produce the same text, and the console's clock matches the API's ISO timestamps.
 */
export function formatClock(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return "—";
  const date = new Date(epochMs);
  return `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
}

// A fixed locale keeps server and browser output identical (no hydration mismatch).
const quantityFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 4 });

/** A quantity with thousands separators and at most four decimals: 1234.5 -> "1,234.5". */
export function formatQuantity(value: number): string {
  return Number.isFinite(value) ? quantityFormat.format(value) : "—";
}

/** A bar's width in [0, 100]: a value outside its range still draws an empty or a full bar. */
export function clampPercent(percent: number): number {
  if (!Number.isFinite(percent)) return percent > 0 ? 100 : 0;
  return Math.min(100, Math.max(0, percent));
}
