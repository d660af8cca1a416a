import { describeError } from "./trpc-error";

/** A failed call, said plainly: what kind of refusal, then the server's own words, one line each. */
export function ErrorMessage({
  error,
  context,
  mapLine = (line) => line,
}: {
  error: unknown;
  context?: string;
  mapLine?: (line: string) => string;
}) {
  const report = describeError(error);
  return (
    <div className="risk-error" role="alert" data-code={report.code ?? "NETWORK"}>
      <strong>
        {context ? `${context}: ` : ""}
        {report.title}
        {report.status !== null ? ` (${report.status})` : ""}
      </strong>
      <ul>
        {[...new Set(report.lines.map(mapLine))].map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </div>
  );
}
