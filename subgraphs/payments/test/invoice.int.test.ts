import { InvoiceRepository } from "../src/invoice/invoice.repository";
import { newOrder, payOrder, startPaymentsHarness, type PaymentsHarness } from "./harness";

let payments: PaymentsHarness;
beforeAll(async () => {
  payments = await startPaymentsHarness();
});
afterAll(() => payments?.close());

async function invoiceNumberOf(orderId: string): Promise<string | undefined> {
  const { rows } = await payments.database.pool.query<{ number: string }>(
    "select number from invoices where order_id = $1",
    [orderId],
  );
  return rows[0]?.number;
}

const sequenceOf = (number: string) => Number(/^INV-(\d{6,})$/.exec(number)?.[1]);

describe("invoice numbers", () => {
  it("are consecutive across paid orders, paid one after another or at once, and skip declined ones", async () => {
    const first = newOrder();
    await payOrder(payments, first);
    const declined = newOrder({ token: "tok_insufficientFunds" });
    await payOrder(payments, declined);
    const second = newOrder();
    await payOrder(payments, second);
    const together = Array.from({ length: 6 }, () => newOrder());
    await Promise.all(together.map((order) => payOrder(payments, order)));

    expect(await invoiceNumberOf(declined.orderId)).toBeUndefined();
    const start = sequenceOf((await invoiceNumberOf(first.orderId))!);
    expect(await invoiceNumberOf(second.orderId)).toBe(`INV-${String(start + 1).padStart(6, "0")}`);
    const numbers = await Promise.all(together.map((order) => invoiceNumberOf(order.orderId)));
    expect(numbers.map((n) => sequenceOf(n!)).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7].map((i) => start + i));
  });

  it("a number taken by a transaction that rolls back is given to the next invoice: no gap", async () => {
    const before = newOrder();
    await payOrder(payments, before);
    const repository = new InvoiceRepository(payments.database.db);
    await expect(
      payments.database.db.transaction(async (tx) => {
        await repository.takeNextNumber(tx);
        throw new Error("the charge's transaction failed after numbering");
      }),
    ).rejects.toThrow("numbering");

    const after = newOrder();
    await payOrder(payments, after);
    expect(sequenceOf((await invoiceNumberOf(after.orderId))!)).toBe(
      sequenceOf((await invoiceNumberOf(before.orderId))!) + 1,
    );
  });
});
