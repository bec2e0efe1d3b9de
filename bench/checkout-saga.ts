/**
 * Checkout saga latency and throughput against a running platform (`pnpm start` in another
 * terminal): how long from `checkout` returning PENDING to the order reading PAID, across
 * orders placed `concurrency` at a time. Run by hand (not a test); it never asserts timings:
 *
 *   pnpm exec tsx bench/checkout-saga.ts [orders=200] [concurrency=10] [routerUrl=http://localhost:4000/graphql]
 *
 * It signs in as the demo admin to give the chosen variant enough stock, and registers one
 * shopper per order.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createCartographClient } from "@cartograph/client";

const [orders = 200, concurrency = 10] = process.argv.slice(2, 4).map(Number);
const url = process.argv[4] ?? "http://localhost:4000/graphql";
const adminEmail = process.env.CARTOGRAPH_ADMIN_EMAIL ?? "admin@cartograph.dev";
const adminPassword = process.env.CARTOGRAPH_ADMIN_PASSWORD ?? "cartograph-admin";

async function main() {
  const admin = createCartographClient({
    url,
    accessToken: (await createCartographClient({ url }).Login({ email: adminEmail, password: adminPassword })).login
      .accessToken,
  });
  const { products } = await createCartographClient({ url }).ProductListing({
    first: 1,
    sort: { field: "PRICE", direction: "ASC" },
  });
  const { product } = await admin.VariantStock({ slug: products.nodes[0]!.slug });
  const variantId = product!.variants[0]!.id;
  await admin.SetStock({ variantId, onHand: orders * 2 });

  const latencies: number[] = [];
  const outcomes = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < orders) {
      next += 1;
      const { register } = await createCartographClient({ url }).Register({
        input: { email: `bench-${randomUUID()}@example.test`, password: "password123", name: "Bench" },
      });
      const shopper = createCartographClient({ url, accessToken: register.accessToken });
      await shopper.CartAddLine({ variantId, quantity: 1 });
      const placedAt = performance.now();
      const { checkout } = await shopper.Checkout({
        input: {
          idempotencyKey: randomUUID(),
          paymentToken: "tok_visa",
          shippingAddress: { line1: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" },
        },
      });
      for (;;) {
        const { order } = await shopper.Order({ id: checkout.order!.id });
        if (order!.status !== "PENDING" && order!.status !== "RESERVED") {
          latencies.push(performance.now() - placedAt);
          outcomes.set(order!.status, (outcomes.get(order!.status) ?? 0) + 1);
          break;
        }
        await sleep(10);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(0);
  process.stdout.write(
    `${orders} orders, ${concurrency} at a time, in ${seconds.toFixed(1)} s (${(orders / seconds).toFixed(1)} orders/s incl. sign-up and cart)\n` +
      `checkout -> final status: p50 ${at(50)} ms, p95 ${at(95)} ms, max ${at(100)} ms\n` +
      `outcomes: ${JSON.stringify(Object.fromEntries(outcomes))}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
