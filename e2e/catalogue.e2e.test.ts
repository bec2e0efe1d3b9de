import { CartographRequestError } from "@cartograph/client";
import { E2E_ADMIN, startPlatform, type Platform } from "./platform";

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
}, 240_000);
afterAll(() => platform?.stop());

describe("browsing the seeded catalogue through the router", () => {
  it("shows a category tree three levels deep", async () => {
    const { categories } = await platform.client().CategoryTree();
    expect(categories.map((c) => c.name)).toEqual(expect.arrayContaining(["Furniture", "Electronics", "Kitchen"]));
    const furniture = categories.find((c) => c.name === "Furniture")!;
    const chairs = furniture.children.find((c) => c.name === "Chairs")!;
    expect(chairs.children.map((c) => c.name).sort()).toEqual(["Dining Chairs", "Office Chairs"]);
  });

  it("has at least 200 products, and a category page lists its descendants' products", async () => {
    const all = await platform.client().ProductListing({ first: 1 });
    expect(all.products.totalCount).toBeGreaterThanOrEqual(200);
    const { category } = await platform.client().CategoryPage({ slug: "furniture-chairs", first: 50 });
    expect(category?.name).toBe("Chairs");
    expect(category?.products.totalCount).toBe(20);
  });

  it("searches with facets whose counts add up to the result", async () => {
    const { products } = await platform.client().ProductListing({ first: 100, filter: { search: "chairs" } });
    expect(products.totalCount).toBeGreaterThan(0);
    expect(products.nodes.every((p) => /chair/i.test(p.name))).toBe(true);
    const brandFacet = products.facets.find((f) => f.field === "brand")!;
    expect(brandFacet.values.reduce((sum, v) => sum + v.count, 0)).toBe(products.totalCount);
    const [firstBrand] = brandFacet.values;
    const refined = await platform
      .client()
      .ProductListing({ first: 100, filter: { search: "chairs", brands: [firstBrand!.value] } });
    expect(refined.products.totalCount).toBe(firstBrand!.count);
  });

  it("opens a product page by slug with its variants and prices", async () => {
    const { products } = await platform
      .client()
      .ProductListing({ first: 1, sort: { field: "PRICE", direction: "DESC" } });
    const { product } = await platform.client().ProductPage({ slug: products.nodes[0]!.slug });
    expect(product?.variants.length).toBeGreaterThanOrEqual(1);
    expect(product?.variants[0]!.price.amount).toMatch(/^\d+\.\d{2}$/);
    expect(product?.priceRange.max.amount).toBe(products.nodes[0]!.priceRange.max.amount);
    expect(product?.category?.parent?.name).toBeDefined();
  });

  it("lets an admin add a product that shoppers then find; customers cannot", async () => {
    const { login } = await platform.client().Login(E2E_ADMIN);
    const admin = platform.client(login.accessToken);
    const sku = `E2E-${Date.now()}`;
    const created = await admin.CreateProduct({
      input: {
        name: "Quokka Reading Lamp",
        description: "A warm light for long evenings.",
        brand: "Lumen",
        variants: [{ sku, title: "Default", price: "45.50" }],
      },
    });
    expect(created.createProduct.userErrors).toEqual([]);
    const found = await platform.client().ProductListing({ filter: { search: "quokka" } });
    expect(found.products.nodes.map((p) => p.id)).toEqual([created.createProduct.product!.id]);

    const { register } = await platform
      .client()
      .Register({ input: { email: `c${Date.now()}@example.test`, password: "password123", name: "C" } });
    const error = await platform
      .client(register.accessToken)
      .CreateProduct({
        input: { name: "Nope", description: "x", variants: [{ sku: `${sku}-2`, title: "x", price: "1.00" }] },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CartographRequestError);
    expect((error as CartographRequestError).codes).toEqual(["FORBIDDEN"]);
  });
});
