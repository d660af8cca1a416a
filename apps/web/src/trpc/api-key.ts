import { useSyncExternalStore } from "react";

/**
 * The console user's API key, for the procedures that need a role (changing risk controls). Kept
 * in sessionStorage, never localStorage: it lives only as long as the tab, and a key left behind on
 * a shared desk does not outlive the session. Reading pages works without one.
 */
const storageKey = "tradeops.apiKey";

const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof window === "undefined" ? null : window.sessionStorage;
  } catch {
    // Storage disabled by the browser's privacy settings: behave as if no key were stored.
    return null;
  }
}

export function readApiKey(): string | null {
  return storage()?.getItem(storageKey) ?? null;
}

/** Stores `key` (null forgets it) and tells every `useApiKey` caller. */
export function storeApiKey(key: string | null): void {
  const store = storage();
  if (key === null) store?.removeItem(storageKey);
  else store?.setItem(storageKey, key);
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The stored key; null on the server and before one is entered. */
export function useApiKey(): string | null {
  return useSyncExternalStore(subscribe, readApiKey, () => null);
}

/** `Authorization: Bearer <key>` for `key`, or no header at all without one. */
export function bearerHeaders(key: string | null): Record<string, string> {
  return key === null ? {} : { authorization: `Bearer ${key}` };
}
