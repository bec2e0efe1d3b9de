/**
 * What the manifests promise when pods come and go: a rolling update under load fails no request
 * (readiness, maxUnavailable 0, graceful SIGTERM), a deleted pod is replaced and the platform
 * answers again, and a restarted datastore keeps every committed order (its persistent volume).
 */
import { randomUUID } from "node:crypto";
import { setTimeout as pause } from "node:timers/promises";
import { uniqueEmail, waitFor } from "@cartograph/testing";
import { ADDRESS } from "../shop";
import { client, kubectl, NAMESPACE, readyPods, rolledOut, routerAnswers } from "./cluster";

/** Sends catalogue queries that reach products and inventory, two at a time, until stopped. */
function lightLoad() {
  let running = true;
  const outcome = { ok: 0, failed: [] as string[] };
  const worker = async () => {
    while (running) {
      try {
        const { products } = await client().ProductListing({ first: 5 });
        if (products.nodes.length > 0 && products.nodes.every((node) => typeof node.inStock === "boolean"))
          outcome.ok++;
        else outcome.failed.push(`an incomplete answer: ${JSON.stringify(products).slice(0, 200)}`);
      } catch (error) {
        outcome.failed.push(String(error).slice(0, 300));
      }
      await pause(50);
    }
  };
  const workers = [worker(), worker()];
  return {
    async stop() {
      running = false;
      await Promise.all(workers);
      return outcome;
    },
  };
}

beforeAll(routerAnswers, 200_000);

describe("on the cluster, when pods come and go", () => {
  it("a rolling update of a subgraph under light load fails no request", async () => {
    const before = await readyPods("products");
    const load = lightLoad();
    await pause(2_000);
    await kubectl(["-n", NAMESPACE, "rollout", "restart", "deployment/products"]);
    await rolledOut("deployment", "products");
    // The old pods are gone only once their grace period has run: keep the load on until then.
    await waitFor(async () => (await readyPods("products")).every((pod) => !before.includes(pod)) || undefined, {
      what: "the old products pods to be gone",
      timeoutMs: 120_000,
    });
    await pause(3_000);
    const outcome = await load.stop();
    expect(outcome.failed).toEqual([]);
    expect(outcome.ok).toBeGreaterThan(20);
  }, 420_000);

  it("a deleted pod is replaced and the platform answers again", async () => {
    const [victim] = await readyPods("inventory");
    expect(victim).toBeDefined();
    await kubectl(["-n", NAMESPACE, "delete", "pod", victim!, "--wait=false"]);
    const replacement = await waitFor(async () => (await readyPods("inventory")).find((pod) => pod !== victim), {
      what: "a new inventory pod to be Ready",
      timeoutMs: 180_000,
    });
    expect(replacement).not.toBe(victim);
    // Stock comes from inventory: the listing answers with it again.
    await routerAnswers();
    const { products } = await client().ProductListing({ first: 5 });
    expect(products.nodes.every((node) => typeof node.inStock === "boolean")).toBe(true);
  }, 300_000);

  it("a restarted PostgreSQL pod keeps every committed order", async () => {
    const email = uniqueEmail("cluster");
    const { register } = await client().Register({ input: { email, password: "cluster-password-1", name: "Cluster" } });
    expect(register.userErrors).toEqual([]);
    const shopper = client(register.accessToken);
    const { products } = await client().ProductListing({ first: 50, sort: { field: "NAME", direction: "ASC" } });
    const slug = products.nodes.find((node) => node.inStock)!.slug;
    const { product } = await client().ProductPage({ slug });
    const variantId = product!.variants.find((variant) => variant.inStock)!.id;
    expect((await shopper.CartAddLine({ variantId, quantity: 1 })).cartAddLine.userErrors).toEqual([]);
    const { checkout } = await shopper.Checkout({
      input: { shippingAddress: ADDRESS, paymentToken: "tok_visa", idempotencyKey: randomUUID() },
    });
    expect(checkout.userErrors).toEqual([]);
    const orderId = checkout.order!.id;
    const paid = async () => {
      try {
        const { order } = await shopper.Order({ id: orderId });
        return order?.status === "PAID" ? order : undefined;
      } catch {
        return undefined; // the services may still be reconnecting
      }
    };
    await waitFor(paid, { what: "the order to be PAID", timeoutMs: 60_000 });

    const [postgres] = await readyPods("postgres");
    const uid = await kubectl(["-n", NAMESPACE, "get", "pod", postgres!, "-o", "jsonpath={.metadata.uid}"]);
    await kubectl(["-n", NAMESPACE, "delete", "pod", postgres!, "--wait=true", "--timeout=120s"]);
    await waitFor(
      async () =>
        (await readyPods("postgres")).length === 1 &&
        (await kubectl(["-n", NAMESPACE, "get", "pod", postgres!, "-o", "jsonpath={.metadata.uid}"])) !== uid,
      { what: "a new postgres pod to be Ready", timeoutMs: 240_000 },
    );
    const order = await waitFor(paid, { what: "the order again after the restart", timeoutMs: 180_000 });
    expect(order).toMatchObject({ id: orderId, status: "PAID" });
    await routerAnswers();
  }, 600_000);
});
