import { readFileSync } from "node:fs";
import path from "node:path";
import { callSubgraph } from "@cartograph/testing";
import { parse } from "graphql";
import {
  newOrder,
  orderPlaced,
  uniqueId,
  type PlacedOrder,
  startPaymentsHarness,
  type PaymentsHarness,
} from "./harness";

let payments: PaymentsHarness;
beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(() => payments?.close());

const ORDERS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id payment { status } } } }`;
const ORDER_INVOICES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id invoice { number total { amount } } } } }`;
const PAYMENTS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Payment { id status order { id } } } }`;

type OrderEntity = { id: string; payment: { status: string } | null };

/** An order taken through the saga's steps straight through the service (no broker): intent, then charge. */
async function settledOrder(order: PlacedOrder, { charge = true } = {}) {
  const { db } = payments.database;
  const { checkout } = payments.service;
  await db.transaction((tx) => checkout.recordIntent(tx, orderPlaced(order).data));
  if (charge) await db.transaction((tx) => checkout.chargeOrder(tx, order.orderId));
  return order;
}

const references = (orders: Array<{ orderId: string }>) =>
  orders.map((order) => ({ __typename: "Order", id: order.orderId }));

describe("federation contract of the payments subgraph", () => {
  it("serves the checked-in SDL through _service, with key-only stubs of Order and ProductVariant", async () => {
    const result = await callSubgraph<{ _service: { sdl: string } }>(payments.url, "{ _service { sdl } }");
    const sdl = result.data!._service.sdl;
    expect(sdl).toMatch(/type Order\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Payment\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type ProductVariant\s+@key\(fields: "id", resolvable: false\)\s*\{\s*id: ID!\s*\}/);
    expect(sdl).not.toContain("@extends");
    const shape = (text: string) =>
      parse(text)
        .definitions.flatMap((d) =>
          "name" in d && d.name && "fields" in d ? (d.fields ?? []).map((f) => `${d.name!.value}.${f.name.value}`) : [],
        )
        .filter((field) => !/(^|\.)_/.test(field))
        .sort();
    expect(shape(sdl)).toEqual(shape(readFileSync(path.resolve(__dirname, "../schema.graphql"), "utf8")));
    expect(shape(sdl)).toEqual(
      expect.arrayContaining([
        "Order.id",
        "Order.payment",
        "Order.invoice",
        "Payment.method",
        "Payment.refunds",
        "Mutation.refundPayment",
      ]),
    );
  });

  it("resolves 20 Order references with their payment for the owner in one SQL query, in order", async () => {
    const userId = uniqueId("usr");
    const tokens = ["tok_visa", "tok_mastercard", "tok_chargeDeclined"];
    const orders = await Promise.all(
      Array.from({ length: 19 }, (_, i) =>
        settledOrder(newOrder({ userId, token: tokens[i % 3]! }), { charge: i !== 18 }),
      ),
    );
    const unknown = { orderId: uniqueId("ord_never_heard_of") };
    const all = [...orders, unknown];

    payments.resetQueryCount();
    const result = await payments.gql<{ _entities: OrderEntity[] }>(
      ORDERS,
      { r: references(all) },
      payments.tokens.customer(userId),
    );
    expect(result.errors).toBeUndefined();
    expect(payments.queryCount()).toBe(1);
    expect(result.data!._entities).toEqual([
      ...orders
        .slice(0, 18)
        .map((order, i) => ({ id: order.orderId, payment: { status: i % 3 === 2 ? "FAILED" : "SUCCEEDED" } })),
      { id: orders[18]!.orderId, payment: { status: "PENDING" } },
      { id: unknown.orderId, payment: null },
    ]);
  });

  it("another customer gets FORBIDDEN on each order's payment and invoice; an admin sees them", async () => {
    const orders = await Promise.all(Array.from({ length: 3 }, () => settledOrder(newOrder())));

    const asStranger = await payments.gql<{ _entities: OrderEntity[] }>(
      ORDERS,
      { r: references(orders) },
      payments.tokens.customer(),
    );
    expect(asStranger.data!._entities).toEqual(orders.map((order) => ({ id: order.orderId, payment: null })));
    expect(asStranger.errors?.map((e) => [e.extensions?.code, e.path])).toEqual(
      orders.map((_, i) => ["FORBIDDEN", ["_entities", i, "payment"]]),
    );

    const invoicesAsStranger = await payments.gql(
      ORDER_INVOICES,
      { r: references(orders) },
      payments.tokens.customer(),
    );
    expect(invoicesAsStranger.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN", "FORBIDDEN", "FORBIDDEN"]);
    const anonymous = await payments.gql(ORDERS, { r: references(orders) }, null);
    expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual([
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
      "UNAUTHENTICATED",
    ]);

    payments.resetQueryCount();
    const asAdmin = await payments.gql<{
      _entities: Array<{ id: string; invoice: { number: string; total: { amount: string } } | null }>;
    }>(ORDER_INVOICES, { r: references(orders) }, payments.tokens.admin());
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data!._entities).toEqual(
      orders.map((order) => ({
        id: order.orderId,
        invoice: { number: expect.stringMatching(/^INV-/), total: { amount: "59.98" } },
      })),
    );
    // One query for the payments (owners), one for the invoices.
    expect(payments.queryCount()).toBe(2);
  });

  it("an order payments never heard of has no payment and no invoice, for anyone", async () => {
    const result = await payments.gql(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id payment { status } invoice { number } } } }`,
      { r: [{ __typename: "Order", id: "ord_unknown" }] },
      payments.tokens.customer(),
    );
    expect(result).toEqual({ status: 200, data: { _entities: [{ id: "ord_unknown", payment: null, invoice: null }] } });
  });

  it("resolves Payment references in one SQL query, for their owner or an admin only", async () => {
    const userId = uniqueId("usr");
    const orders = await Promise.all(Array.from({ length: 5 }, () => settledOrder(newOrder({ userId }))));
    const { rows } = await payments.database.pool.query<{ id: string; order_id: string }>(
      "select id, order_id from payments where order_id = any($1) order by created_at",
      [orders.map((o) => o.orderId)],
    );
    const representations = rows.map((row) => ({ __typename: "Payment", id: row.id }));

    payments.resetQueryCount();
    const asOwner = await payments.gql<{ _entities: Array<{ id: string; status: string; order: { id: string } }> }>(
      PAYMENTS,
      { r: representations },
      payments.tokens.customer(userId),
    );
    expect(asOwner.errors).toBeUndefined();
    expect(payments.queryCount()).toBe(1);
    expect(asOwner.data!._entities).toEqual(
      rows.map((row) => ({ id: row.id, status: "SUCCEEDED", order: { id: row.order_id } })),
    );

    const asStranger = await payments.gql(PAYMENTS, { r: representations }, payments.tokens.customer());
    expect(new Set(asStranger.errors?.map((e) => e.extensions?.code))).toEqual(new Set(["FORBIDDEN"]));
    const asAdmin = await payments.gql(PAYMENTS, { r: representations }, payments.tokens.admin());
    expect(asAdmin.errors).toBeUndefined();
  });
});
