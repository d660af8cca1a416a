import { createElement, isValidElement, type ReactElement, type ReactNode } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { type DecisionRow, DecisionsTable, type DecisionsTableProps, newestFirst } from "./decisions-table";

const t0 = Date.UTC(2025, 9, 21, 14, 30, 0);
const oldest: DecisionRow = {
  decisionId: "d-old",
  time: t0,
  symbol: "AAPL",
  action: "BUY",
  quantity: 1200,
  confidence: 0.734,
  price: 175.234,
  approved: true,
  explained: true,
};
const rows: DecisionRow[] = [
  oldest,
  {
    decisionId: "d-new",
    time: t0 + 2000,
    symbol: "MSFT",
    action: "SELL",
    quantity: 50,
    confidence: 0.61,
    explained: false,
  },
  {
    decisionId: "d-mid",
    time: t0 + 1000,
    symbol: "GOOGL",
    action: "HOLD",
    quantity: 0,
    confidence: 0.5,
    approved: false,
    explained: true,
  },
];

function render(props: DecisionsTableProps): string {
  return renderToStaticMarkup(createElement(DecisionsTable, props));
}

interface ButtonProps {
  readonly "aria-label": string;
  readonly onClick: () => void;
  readonly children?: ReactNode;
}

/** The buttons in the table's element tree, found without a DOM, so their handlers can be invoked. */
function buttonsIn(node: ReactNode): ReactElement<ButtonProps>[] {
  if (Array.isArray(node)) return node.flatMap((child: ReactNode) => buttonsIn(child));
  if (!isValidElement<{ children?: ReactNode }>(node)) return [];
  const own = node.type === "button" ? [node as ReactElement<ButtonProps>] : [];
  return [...own, ...buttonsIn(node.props.children)];
}

describe("DecisionsTable", () => {
  it("lists decisions newest first, stable for equal times", () => {
    expect(newestFirst(rows).map((row) => row.decisionId)).toEqual(["d-new", "d-mid", "d-old"]);
    const tied = [
      { ...oldest, decisionId: "first" },
      { ...oldest, decisionId: "second" },
    ];
    expect(newestFirst(tied).map((row) => row.decisionId)).toEqual(["first", "second"]);
    const markup = render({ rows });
    const order = [...markup.matchAll(/data-decision-id="([^"]+)"/g)].map((match) => match[1]);
    expect(order).toEqual(["d-new", "d-mid", "d-old"]);
  });

  it("formats each column and colours the action", () => {
    const markup = render({ rows });
    expect(markup).toContain('aria-label="Latest decisions"');
    expect(markup).toContain('class="ui-action ui-action-buy" data-action="BUY">BUY');
    expect(markup).toContain('class="ui-action ui-action-sell" data-action="SELL">SELL');
    expect(markup).toContain('class="ui-action ui-action-hold" data-action="HOLD">HOLD');
    expect(markup).toContain(">1,200<");
    expect(markup).toContain(">175.23<");
    expect(markup).toContain(">73.4%<");
    expect(markup).toContain('data-tone="ok">approved');
    expect(markup).toContain('data-tone="bad">rejected');
    expect(markup).toContain('data-tone="neutral">pending');
    expect(markup).toContain('data-tone="ok">ready');
  });

  it("gives every row a labelled button and highlights the selected row", () => {
    const markup = render({ rows, selectedId: "d-mid" });
    expect(markup).toContain('aria-label="14:30:02 MSFT SELL: show explanation"');
    expect(markup).toContain('<button type="button" class="ui-row-button mono"');
    expect(markup).toContain('class="ui-row ui-row-selected" data-decision-id="d-mid" aria-current="true"');
    expect(markup).toContain('class="ui-row" data-decision-id="d-new">');
    expect(markup.match(/aria-current/g)).toHaveLength(1);
  });

  it("calls onSelect with the decision id of the row's button", () => {
    const selected: string[] = [];
    const tree = DecisionsTable({ rows, onSelect: (id) => selected.push(id) });
    const buttons = buttonsIn(tree);
    expect(buttons.map((button) => button.props["aria-label"])).toEqual([
      "14:30:02 MSFT SELL: show explanation",
      "14:30:01 GOOGL HOLD: show explanation",
      "14:30:00 AAPL BUY: show explanation",
    ]);
    buttons[1]?.props.onClick();
    buttons[2]?.props.onClick();
    expect(selected).toEqual(["d-mid", "d-old"]);
  });

  it("renders empty and loading states", () => {
    expect(render({ rows: [] })).toContain("No decisions yet.");
    const loading = render({ rows: [], loading: true });
    expect(loading).toContain("Loading decisions…");
    expect(loading).toContain('aria-busy="true"');
  });
});
