"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { AppRouter } from "@tradeops/api";
import { StatusPill } from "@tradeops/ui";
import { createTRPCClient, httpLink } from "@trpc/client";
import { type FormEvent, useState } from "react";
import { bearerHeaders, storeApiKey, useApiKey } from "../trpc/api-key";
import { useTRPC } from "../trpc/trpc-context";
import { ErrorMessage } from "./error-message";

const changerRoles = new Set(["risk_officer", "admin"]);

/** Asks the API who a key belongs to before it is stored, so a mistyped key is never kept. */
async function identify(candidate: string) {
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: "/trpc", headers: bearerHeaders(candidate) })],
  });
  const principal = await client.risk.whoami.query();
  if (principal === null) throw new Error("the API did not recognise this key");
  return principal;
}

/**
 * The console user's API key: a form while none is stored, who it belongs to once one is, and a
 * way to forget it. Reading needs no key; changing risk controls needs a risk officer's or admin's.
 */
export function ApiKeyGate() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = useApiKey();
  const [draft, setDraft] = useState("");
  const whoami = useQuery(trpc.risk.whoami.queryOptions(undefined, { enabled: key !== null, retry: false }));
  const verify = useMutation({
    mutationFn: async (candidate: string) => ({ candidate, principal: await identify(candidate) }),
    onSuccess: ({ candidate, principal }) => {
      storeApiKey(candidate);
      setDraft("");
      queryClient.setQueryData(trpc.risk.whoami.queryKey(), principal);
      void queryClient.invalidateQueries();
    },
  });

  const forget = () => {
    storeApiKey(null);
    verify.reset();
    queryClient.removeQueries({ queryKey: trpc.risk.whoami.queryKey() });
    void queryClient.invalidateQueries();
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const candidate = draft.trim();
    if (candidate !== "") verify.mutate(candidate);
  };

  if (key === null) {
    return (
      <form className="risk-key-form" aria-label="Enter an API key" onSubmit={submit}>
        <label htmlFor="api-key">Your API key</label>
        <div className="risk-inline">
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="tro_…"
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" disabled={verify.isPending || draft.trim() === ""}>
            {verify.isPending ? "Checking…" : "Use key"}
          </button>
        </div>
        <p className="muted risk-note">
          No key: you can read everything here, but changing the trading state or the limits needs a risk officer&apos;s
          or admin&apos;s key. It is kept in this tab only (sessionStorage).
        </p>
        {verify.isError ? <ErrorMessage error={verify.error} context="Key not accepted" /> : null}
      </form>
    );
  }

  const principal = whoami.data;
  return (
    <div className="risk-key-form" data-testid="api-key-identity">
      {whoami.isPending ? <p className="muted">Checking the key…</p> : null}
      {principal ? (
        <p className="risk-inline">
          <span>
            Signed in as <strong data-testid="whoami-email">{principal.email}</strong>
          </span>
          <StatusPill tone={changerRoles.has(principal.role) ? "ok" : "warn"}>{principal.role}</StatusPill>
        </p>
      ) : null}
      {principal && !changerRoles.has(principal.role) ? (
        <p className="muted risk-note">This role can read risk controls but not change them.</p>
      ) : null}
      {whoami.isError ? <ErrorMessage error={whoami.error} context="Stored key not accepted" /> : null}
      <button type="button" onClick={forget}>
        Forget key
      </button>
    </div>
  );
}
