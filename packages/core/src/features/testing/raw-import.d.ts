/**
 * Vite, and so Vitest, imports a file's text when its path ends in `?raw`: how a test compares a
 * committed, generated file with what its generator makes now, without file I/O in this package.
 */
declare module "*.md?raw" {
  const text: string;
  export default text;
}
