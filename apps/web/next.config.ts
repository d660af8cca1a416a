import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@tradeops/ui"],
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm run typecheck` checks the whole repo, this app included; repeating it inside `next build`
  // would only add a minute to every start.
  typescript: { ignoreBuildErrors: true },
};

export default config;
