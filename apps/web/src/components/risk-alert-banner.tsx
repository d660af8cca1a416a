"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../trpc/trpc-context";
import { bannerAlerts } from "./risk-overview-rows";
import "./risk.css";

const dismissedKey = "tradeops.dismissedRiskAlerts";

function loadDismissed(): ReadonlySet<string> {
  try {
    const stored: unknown = JSON.parse(window.sessionStorage.getItem(dismissedKey) ?? "[]");
    return new Set(Array.isArray(stored) ? stored.filter((id): id is string => typeof id === "string") : []);
  } catch {
    return new Set();
  }
}

/**
 * The Live page's pointer to the Risk page: up while a CRITICAL alert (a limit breach the gate did
 * not block) or a recent warning has not been dismissed in this tab. `marketTime` is the latest
 * decision's time, the clock alerts are stamped with.
 */
export function RiskAlertBanner({ marketTime }: { marketTime: number | undefined }) {
  const trpc = useTRPC();
  const overview = useQuery(trpc.risk.overview.queryOptions(undefined, { refetchInterval: 5_000 }));
  const [dismissed, setDismissed] = useState<ReadonlySet<string> | null>(null);
  const data = overview.data;
  if (!data) return null;
  const known = dismissed ?? loadDismissed();
  const shown = bannerAlerts(data.alerts, known, marketTime ?? Date.now());
  // The newest critical alert leads: a breach matters more than a newer warning.
  const headline = shown.find((alert) => alert.severity === "CRITICAL") ?? shown[0];
  if (headline === undefined) return null;
  const critical = headline.severity === "CRITICAL";

  const dismiss = () => {
    const next = new Set([...known, ...shown.map((alert) => alert.alert_id)]);
    try {
      window.sessionStorage.setItem(dismissedKey, JSON.stringify([...next].slice(-500)));
    } catch {
      // Storage unavailable: dismissed for as long as the page stays open.
    }
    setDismissed(next);
  };

  return (
    <div
      className={`risk-banner ${critical ? "risk-banner-critical" : "risk-banner-warning"}`}
      role="alert"
      data-testid="risk-alert-banner"
    >
      <strong>{critical ? "Critical risk alert" : "Risk alert"}</strong>
      <span>
        {headline.message}
        {shown.length > 1 ? ` (and ${shown.length - 1} more)` : ""}
      </span>
      <Link href="/risk">Open the Risk page</Link>
      <button type="button" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
