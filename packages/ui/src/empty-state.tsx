/** The one-line message a component shows instead of data: nothing yet, loading, or an error. */
export function EmptyState({ children, tone = "muted" }: { children: string; tone?: "muted" | "bad" }) {
  return (
    <p className={`ui-empty ui-empty-${tone}`} role="status">
      {children}
    </p>
  );
}
