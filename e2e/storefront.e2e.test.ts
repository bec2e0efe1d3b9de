import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { CartographRequestError } from "@cartograph/client";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import {
  INVENTORY_SERVICE_DIR,
  inventoryEnvSchema,
  inventoryTables,
  startInventorySubgraph,
  type InventoryConfig,
  type InventorySubgraph,
} from "@cartograph/inventory";
import { subgraphs } from "@cartograph/scripts/subgraphs";
import { parseConfig } from "@cartograph/service-kit";
import { startSubgraphHarness, waitFor, type SubgraphHarness } from "@cartograph/testing";
import { E2E_ADMIN, platformEvents, startPlatform, type Platform } from "./platform";

/** Forwards to a subgraph and remembers every operation the router sent it. */
async function recordingProxy(
  target: string,
): Promise<{ url: string; operations: string[]; close: () => Promise<void> }> {
  const operations: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    operations.push((JSON.parse(body.toString()) as { query: string }).query);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(
        (entry): entry is [string, string] =>
          typeof entry[1] === "string" && entry[0] !== "host" && entry[0] !== "content-length",
      ),
    );
    const response = await fetch(target, { method: "POST", headers, body });
    res.writeHead(response.status, { "content-type": response.headers.get("content-type") ?? "application/json" });
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    operations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let inventory: SubgraphHarness<typeof inventoryTables, InventoryConfig, InventorySubgraph>;
let proxy: Awaited<ReturnType<typeof recordingProxy>>;
let platform: Platform;

beforeAll(async () => {
  const events = platformEvents();
  // Inventory runs in this process so its SQL statements can be counted; its queue is bound
  // before the catalogue's events go out.
  // It verifies tokens with the platform's users service, which starts after it.
  let usersVerifier: AccessTokenVerifier | null = null;
  const verifier: AccessTokenVerifier = {
    verify: (token) =>
      usersVerifier ? usersVerifier.verify(token) : Promise.reject(new Error("the users service is not up yet")),
  };
  inventory = await startSubgraphHarness({
    label: "inventory",
    serviceDir: INVENTORY_SERVICE_DIR,
    dbSchema: inventoryTables,
    parseConfig: (values) => parseConfig(inventoryEnvSchema, values),
    start: startInventorySubgraph,
    verifier,
    env: events,
  });
  proxy = await recordingProxy(inventory.url);
  platform = await startPlatform({ external: { inventory: proxy.url }, events });
  usersVerifier = createJwksVerifier(`${platform.services.users!.baseUrl}/.well-known/jwks.json`);
  // Wait until inventory has heard of the seeded variants (the demo catalogue has more than 500):
  // fail here, saying so, rather than test a half-known catalogue.
  await waitFor(
    async () =>
      (await inventory.database.pool.query<{ n: number }>("select count(*)::int as n from stock_levels")).rows[0]!.n >=
      500,
    { what: "inventory to hear of 500 seeded variants", timeoutMs: 60_000 },
  );
}, 240_000);
afterAll(async () => {
  await platform?.stop();
  await proxy?.close();
  await inventory?.close();
});

describe("a storefront listing through the router", () => {
  it("asks inventory once for 50 products' stock, and inventory runs one SQL query", async () => {
    const { login } = await platform.client().Login(E2E_ADMIN);
    const admin = platform.client(login.accessToken);
    const listing = await platform.client().ProductListing({ first: 50, sort: { field: "NAME", direction: "ASC" } });
    const stocked = listing.products.nodes[3]!;
    const { product } = await admin.VariantStock({ slug: stocked.slug });
    const set = await admin.SetStock({ variantId: product!.variants[0]!.id, onHand: 7 });
    expect(set.setStock.stock).toMatchObject({ onHand: 7, available: 7, reserved: 0 });

    proxy.operations.length = 0;
    inventory.resetQueryCount();
    const { products } = await platform
      .client()
      .ProductListing({ first: 50, sort: { field: "NAME", direction: "ASC" } });
    expect(products.nodes).toHaveLength(50);
    expect(proxy.operations).toHaveLength(1);
    expect(proxy.operations[0]).toContain("_entities");
    expect(inventory.queryCount()).toBe(1);
    expect(products.nodes.filter((p) => p.inStock).map((p) => p.id)).toEqual([stocked.id]);
  });

  it("shows stock levels to admins only", async () => {
    const slug = (await platform.client().ProductListing({ first: 1 })).products.nodes[0]!.slug;
    const { register } = await platform
      .client()
      .Register({ input: { email: `s${Date.now()}@example.test`, password: "password123", name: "S" } });
    const error = await platform
      .client(register.accessToken)
      .VariantStock({ slug })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CartographRequestError);
    expect((error as CartographRequestError).codes).toContain("FORBIDDEN");
    const { login } = await platform.client().Login(E2E_ADMIN);
    const { product } = await platform.client(login.accessToken).VariantStock({ slug });
    expect(product!.variants[0]!.stock).toMatchObject({ onHand: expect.any(Number), reserved: 0 });
  });

  it("gives each service only the secrets it reads: the signing key to users alone", async () => {
    const secretsOf = (pid: number) =>
      readFileSync(`/proc/${pid}/environ`, "utf8")
        .split("\0")
        .map((entry) => entry.split("=")[0]!)
        .filter((name) => name === "JWT_PRIVATE_KEY" || name === "CARTOGRAPH_ADMIN_PASSWORD");
    const holders = Object.entries(platform.services)
      .filter(([, service]) => secretsOf(service.pid).length > 0)
      .map(([name, service]) => [name, secretsOf(service.pid).sort()]);
    expect(holders).toEqual([["users", ["CARTOGRAPH_ADMIN_PASSWORD", "JWT_PRIVATE_KEY"]]]);
  });

  it("every service stops gracefully on SIGTERM (exit code 0)", async () => {
    const codes = await platform.stop();
    const expected = [...subgraphs.map((subgraph) => subgraph.name).filter((name) => name !== "inventory"), "router"];
    expect(Object.keys(codes).sort()).toEqual(expected.sort());
    expect(Object.values(codes).every((code) => code === 0)).toBe(true);
  });
});
