import { formatMinorUnits } from "@cartograph/service-kit";
import type { OrderLineRecord } from "../db/schema";

/** A line, with what the catalogue calls its variant when the catalogue's events have been seen. */
export type SummaryLine = OrderLineRecord & { label?: string };

/** An order as the events told it; `total` is null when `order.placed` has not been seen. */
export interface OrderSummary {
  orderId: string;
  lines: readonly SummaryLine[];
  currencyCode: string;
  total: number | null;
}

export interface EmailInput {
  recipientName: string | null;
  heading: string;
  paragraphs: readonly string[];
  order?: OrderSummary;
  /** Shown at the foot of emails a preference can turn off; null for account messages. */
  unsubscribeUrl: string | null;
}

export interface RenderedEmail {
  text: string;
  html: string;
}

/** Display only: minor units stay integers everywhere else. */
export const displayMoney = (minor: number, currencyCode: string) =>
  `${formatMinorUnits(minor, currencyCode)} ${currencyCode}`;

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

const lineTotal = (line: OrderLineRecord) => line.quantity * line.unitPrice;

/** The lines' sum; the order's total may differ (coupons, shipping), so both are shown. */
export const subtotalOf = (lines: readonly OrderLineRecord[]) => lines.reduce((sum, line) => sum + lineTotal(line), 0);

function orderText(order: OrderSummary): string[] {
  const money = (minor: number) => displayMoney(minor, order.currencyCode);
  return [
    `Order ${order.orderId}`,
    ...order.lines.map(
      (line) =>
        `  ${line.quantity} x ${line.label ?? line.variantId} at ${money(line.unitPrice)} = ${money(lineTotal(line))}`,
    ),
    `Subtotal: ${money(subtotalOf(order.lines))}`,
    ...(order.total === null ? [] : [`Total: ${money(order.total)}`]),
  ];
}

function orderHtml(order: OrderSummary): string {
  const money = (minor: number) => escapeHtml(displayMoney(minor, order.currencyCode));
  const rows = order.lines
    .map(
      (line) =>
        `<tr><td>${escapeHtml(line.label ?? line.variantId)}</td><td align="right">${line.quantity}</td>` +
        `<td align="right">${money(line.unitPrice)}</td><td align="right">${money(lineTotal(line))}</td></tr>`,
    )
    .join("");
  const total =
    order.total === null
      ? ""
      : `<tr><th colspan="3" align="right">Total</th><th align="right">${money(order.total)}</th></tr>`;
  return (
    `<h2>Order ${escapeHtml(order.orderId)}</h2>` +
    `<table cellpadding="4"><thead><tr><th align="left">Item</th><th>Qty</th><th>Price</th><th>Amount</th></tr></thead>` +
    `<tbody>${rows}</tbody><tfoot><tr><td colspan="3" align="right">Subtotal</td>` +
    `<td align="right">${money(subtotalOf(order.lines))}</td></tr>${total}</tfoot></table>`
  );
}

/** The text and HTML parts of one email, from the same input so they always say the same. */
export function renderEmail(input: EmailInput): RenderedEmail {
  const greeting = input.recipientName ? `Hello ${input.recipientName},` : "Hello,";
  const text = [
    greeting,
    "",
    input.heading,
    "",
    ...input.paragraphs.flatMap((p) => [p, ""]),
    ...(input.order ? [...orderText(input.order), ""] : []),
    "Cartograph",
    ...(input.unsubscribeUrl ? ["", `Unsubscribe from these emails: ${input.unsubscribeUrl}`] : []),
  ].join("\n");
  const html =
    `<!doctype html><html><body>` +
    `<p>${escapeHtml(greeting)}</p><h1>${escapeHtml(input.heading)}</h1>` +
    input.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("") +
    (input.order ? orderHtml(input.order) : "") +
    `<p>Cartograph</p>` +
    (input.unsubscribeUrl
      ? `<p><small><a href="${escapeHtml(input.unsubscribeUrl)}">Unsubscribe from these emails</a></small></p>`
      : "") +
    `</body></html>`;
  return { text, html };
}
