import { readFileSync } from "node:fs";
import path from "node:path";
import { callSubgraph } from "@cartograph/testing";
import { parse } from "graphql";
import { startInventoryHarness, stockVariant, uniqueId, type InventoryHarness } from "./harness";

let inventory: InventoryHarness;
beforeAll(async () => {
  inventory = await startInventoryHarness();
});
afterAll(() => inventory?.close());

const VARIANTS =
  "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id inStock stock { available } } } }";
const PRODUCTS = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { id inStock } } }";

/** Holds units for a fresh order, as the checkout saga would. */
const holdForOrder = (variantId: string, quantity: number) =>
  inventory.database.db.transaction((tx) =>
    inventory.service.reservations.reserveOrder(tx, uniqueId("ord"), [{ variantId, quantity }]),
  );

describe("federation contract of the inventory subgraph", () => {
  it("serves the checked-in SDL through _service, with key-only stubs of the catalogue's entities", async () => {
    const result = await callSubgraph<{ _service: { sdl: string } }>(inventory.url, "{ _service { sdl } }");
    const sdl = result.data!._service.sdl;
    expect(sdl).toMatch(/type ProductVariant\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Product\s+(@cacheControl\([^)]*\)\s+)?@key\(fields: "id"\)/);
    expect(sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.9"');
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
        "ProductVariant.id",
        "ProductVariant.inStock",
        "ProductVariant.stock",
        "Product.id",
        "Product.inStock",
      ]),
    );
  });

  it("resolves 100 ProductVariant references with one SQL query, in order; unknown ids are simply not in stock", async () => {
    const stocked = await Promise.all(Array.from({ length: 97 }, (_, i) => stockVariant(inventory, { onHand: i % 3 })));
    const soldOut = await stockVariant(inventory, { onHand: 2 });
    await holdForOrder(soldOut.variantId, 2);
    const retired = await stockVariant(inventory, { onHand: 9, active: false });
    const ids = [...stocked.map((v) => v.variantId), soldOut.variantId, retired.variantId, "var_never_heard_of"];
    expect(ids).toHaveLength(100);

    inventory.resetQueryCount();
    const result = await callSubgraph<{
      _entities: Array<{ id: string; inStock: boolean; stock: { available: number } | null }>;
    }>(
      inventory.url,
      VARIANTS,
      { r: ids.map((id) => ({ __typename: "ProductVariant", id })) },
      { accessToken: inventory.tokens.admin() },
    );
    expect(result.errors).toBeUndefined();
    expect(inventory.queryCount()).toBe(1);

    const entities = result.data!._entities;
    expect(entities.map((e) => e.id)).toEqual(ids);
    expect(entities.slice(0, 97).map((e) => e.inStock)).toEqual(stocked.map((_, i) => i % 3 > 0));
    expect(entities[97]).toEqual({ id: soldOut.variantId, inStock: false, stock: { available: 0 } });
    expect(entities[98]).toEqual({ id: retired.variantId, inStock: false, stock: { available: 9 } });
    expect(entities[99]).toEqual({ id: "var_never_heard_of", inStock: false, stock: null });
  });

  it("resolves 50 Product references with one SQL query: in stock when any variant can be bought", async () => {
    const products = Array.from({ length: 47 }, () => uniqueId("prd"));
    // Every product has an empty variant; every other one also has a variant with stock.
    for (const [i, productId] of products.entries()) {
      await stockVariant(inventory, { productId, onHand: 0 });
      if (i % 2 === 0) await stockVariant(inventory, { productId, onHand: 1 });
    }
    const allHeld = uniqueId("prd");
    const { variantId } = await stockVariant(inventory, { productId: allHeld, onHand: 1 });
    await holdForOrder(variantId, 1);
    const allRetired = uniqueId("prd");
    await stockVariant(inventory, { productId: allRetired, onHand: 5, active: false });
    const ids = [...products, allHeld, allRetired, "prd_never_heard_of"];
    expect(ids).toHaveLength(50);

    inventory.resetQueryCount();
    const result = await callSubgraph<{ _entities: Array<{ id: string; inStock: boolean }> }>(inventory.url, PRODUCTS, {
      r: ids.map((id) => ({ __typename: "Product", id })),
    });
    expect(result.errors).toBeUndefined();
    expect(inventory.queryCount()).toBe(1);
    expect(result.data!._entities).toEqual([
      ...products.map((id, i) => ({ id, inStock: i % 2 === 0 })),
      ...[allHeld, allRetired, "prd_never_heard_of"].map((id) => ({ id, inStock: false })),
    ]);
  });
});
