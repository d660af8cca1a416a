import { formatClock } from "./format";

function pad2(value: number): string {
  return String(value).padStart(2, "0");
}

/**
 * Epoch milliseconds as `YYYY-MM-DD HH:MM:SS` in UTC, for records a reviewer reads days later (audit
 * entries, trading-state changes). UTC for the same reason as `formatClock`: identical on server and browser.
 */
export function formatDateTime(epochMs: number): string {
  if (!Number.isFinite(epochMs)) return "—";
  const date = new Date(epochMs);
  return `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${formatClock(epochMs)}`;
}

/** How long ago `epochMs` was, seen from `now`: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(epochMs: number, now: number): string {
  if (!Number.isFinite(epochMs) || !Number.isFinite(now)) return "—";
  const seconds = Math.max(0, Math.floor((now - epochMs) / 1000));
  if (seconds < 5) return "just now";
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
