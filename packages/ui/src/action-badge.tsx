export type DecisionAction = "BUY" | "SELL" | "HOLD";

const actionClass: Record<DecisionAction, string> = {
  BUY: "ui-action-buy",
  SELL: "ui-action-sell",
  HOLD: "ui-action-hold",
};

/** A trading action, coloured by direction: buy green, sell red, hold grey. */
export function ActionBadge({ action }: { action: DecisionAction }) {
  return (
    <span className={`ui-action ${actionClass[action]}`} data-action={action}>
      {action}
    </span>
  );
}
