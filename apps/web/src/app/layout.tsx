import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { Providers } from "./providers";
import "./globals.css";
import "@tradeops/ui/styles.css";

export const metadata: Metadata = {
  title: "TradeOps console",
  description: "Live decisions, regimes, risk and models for traders, researchers and risk officers.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="topbar">
          <span className="brand">TradeOps</span>
          <nav>
            <Link href="/">Live</Link>
            <Link href="/risk">Risk</Link>
            <Link href="/system">System</Link>
          </nav>
        </header>
        <main>
          <Providers>{children}</Providers>
        </main>
      </body>
    </html>
  );
}
