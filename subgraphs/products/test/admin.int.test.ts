import {
  CREATE_PRODUCT,
  createCategory,
  createProduct,
  startProductsHarness,
  uniqueSku,
  type ProductsHarness,
} from "./harness";

let products: ProductsHarness;
beforeAll(async () => {
  products = await startProductsHarness();
});
afterAll(() => products?.close());

interface Payload {
  createProduct: {
    product: {
      id: string;
      slug: string;
      variants: Array<{ id: string; sku: string; price: { amount: string } }>;
    } | null;
    userErrors: Array<{ code: string; field: string[] | null }>;
  };
}

const create = (input: Record<string, unknown>, token?: string | null) =>
  products.gql<Payload>(
    CREATE_PRODUCT,
    {
      input: {
        name: "Lamp",
        description: "Gives light.",
        variants: [{ sku: uniqueSku(), title: "Default", price: "25.00" }],
        ...input,
      },
    },
    token,
  );

async function outbox(aggregateId: string) {
  const { rows } = await products.database.pool.query<{ type: string; envelope: { data: Record<string, unknown> } }>(
    "select type, envelope from outbox_events where aggregate_id = $1 order by occurred_at, id",
    [aggregateId],
  );
  return rows;
}

describe("admin mutations", () => {
  it("creates a product with variants, a derived slug, and announces each on the outbox", async () => {
    const sku = uniqueSku("LAMP");
    const result = await create({
      name: "Brass Desk Lamp",
      variants: [{ sku, title: "Brass", price: "59.90", options: [{ name: "Finish", value: "Brass" }] }],
    });
    const product = result.data!.createProduct.product!;
    expect(result.data!.createProduct.userErrors).toEqual([]);
    expect(product.slug).toBe("brass-desk-lamp");
    expect(product.variants).toEqual([
      { id: expect.stringMatching(/^var_/), sku, price: { amount: "59.90", currencyCode: "USD" } },
    ]);
    expect((await outbox(product.id)).map((row) => row.type)).toEqual(["product.created"]);
    const [variantEvent] = await outbox(product.variants[0]!.id);
    expect(variantEvent).toMatchObject({
      type: "variant.created",
      envelope: {
        data: {
          variantId: product.variants[0]!.id,
          productId: product.id,
          sku,
          title: "Brass",
          productName: "Brass Desk Lamp",
          price: { amount: 5990, currencyCode: "USD" },
          active: true,
        },
      },
    });
    // A second product of the same name gets the next free slug.
    expect((await create({ name: "Brass Desk Lamp" })).data!.createProduct.product!.slug).toBe("brass-desk-lamp-2");
  });

  it("refuses a taken slug, a taken SKU (any case), duplicate SKUs and bad prices, naming each field", async () => {
    const taken = await createProduct(products, { name: "Taken" });
    const slug = await create({ slug: taken.slug });
    expect(slug.data!.createProduct.userErrors).toEqual([
      expect.objectContaining({ code: "TAKEN", field: ["input", "slug"] }),
    ]);
    const sku = await create({ variants: [{ sku: taken.variants[0]!.sku.toLowerCase(), title: "X", price: "1.00" }] });
    expect(sku.data!.createProduct.userErrors).toEqual([
      expect.objectContaining({ code: "TAKEN", field: ["input", "variants", "0", "sku"] }),
    ]);
    const duplicate = uniqueSku();
    const twice = await create({
      variants: [
        { sku: duplicate, title: "A", price: "1.00" },
        { sku: duplicate, title: "B", price: "1.00" },
      ],
    });
    expect(twice.data!.createProduct.userErrors.map((e) => e.field)).toContainEqual(["input", "variants", "1", "sku"]);
    for (const price of ["0", "-1.00", "1.999", "abc", "1e3"]) {
      const bad = await create({ variants: [{ sku: uniqueSku(), title: "X", price }] });
      expect(bad.data!.createProduct.product).toBeNull();
      expect(bad.data!.createProduct.userErrors.map((e) => e.field)).toContainEqual([
        "input",
        "variants",
        "0",
        "price",
      ]);
    }
    const none = await create({ name: "", variants: [] });
    expect(none.data!.createProduct.userErrors.map((e) => e.field?.join("."))).toEqual(
      expect.arrayContaining(["input.name", "input.variants"]),
    );
    const category = await create({ categoryId: "cat_missing" });
    expect(category.data!.createProduct.userErrors).toEqual([
      expect.objectContaining({ code: "NOT_FOUND", field: ["input", "categoryId"] }),
    ]);
  });

  it("is for admins only", async () => {
    expect((await create({}, products.tokens.customer())).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await create({}, null)).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const update = await products.gql(
      `mutation { deleteProduct(id: "prd_x") { deleted } }`,
      {},
      products.tokens.customer(),
    );
    expect(update.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("updates a product, moves it between categories, and re-announces its variants", async () => {
    const category = await createCategory(products, "Lighting");
    const product = await createProduct(products, { name: "Floor Lamp" });
    const result = await products.gql<{
      updateProduct: { product: { name: string; category: { id: string } | null; tags: string[] } | null };
    }>(
      `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { product { name tags category { id } } userErrors { code } } }`,
      {
        id: product.id,
        input: { name: "Tall Floor Lamp", categoryId: category.id, tags: ["Lighting", "lighting", "Tall"] },
      },
    );
    expect(result.data!.updateProduct.product).toEqual({
      name: "Tall Floor Lamp",
      tags: ["lighting", "tall"],
      category: { id: category.id },
    });
    const variantEvents = await outbox(product.variants[0]!.id);
    expect(variantEvents.map((e) => e.type)).toEqual(["variant.created", "variant.updated"]);
    expect(variantEvents[1]!.envelope.data.productName).toBe("Tall Floor Lamp");
  });

  it("updates a variant's price: the product's price range follows and variant.updated carries the new price", async () => {
    const product = await createProduct(products, {
      name: "Desk Lamp",
      variants: [
        { sku: `LAMP-S-${Date.now()}`, title: "Small", price: "30.00" },
        { sku: `LAMP-L-${Date.now()}`, title: "Large", price: "50.00" },
      ],
    });
    const large = product.variants[1]!.id;
    const update = `mutation($id: ID!, $input: UpdateVariantInput!) { updateVariant(id: $id, input: $input) {
      productVariant { id title price { amount currencyCode } product { priceRange { min { amount } max { amount } } } }
      userErrors { code field } } }`;
    const result = await products.gql<{ updateVariant: { productVariant: unknown; userErrors: unknown[] } }>(update, {
      id: large,
      input: { price: "24.50", title: "Large, oak" },
    });
    expect(result.data!.updateVariant).toEqual({
      productVariant: {
        id: large,
        title: "Large, oak",
        price: { amount: "24.50", currencyCode: "USD" },
        product: { priceRange: { min: { amount: "24.50" }, max: { amount: "30.00" } } },
      },
      userErrors: [],
    });
    const events = await outbox(large);
    expect(events.map((e) => e.type)).toEqual(["variant.created", "variant.updated"]);
    expect(events[1]!.envelope.data.price).toEqual({ amount: 2450, currencyCode: "USD" });

    const refused = await products.gql<{ updateVariant: { productVariant: unknown; userErrors: unknown[] } }>(update, {
      id: large,
      input: { price: "-1" },
    });
    expect(refused.data!.updateVariant.productVariant).toBeNull();
    expect(refused.data!.updateVariant.userErrors).toEqual([{ code: "INVALID", field: ["input", "price"] }]);
    const unknown = await products.gql<{ updateVariant: { userErrors: unknown[] } }>(update, {
      id: "var_nope",
      input: { price: "1.00" },
    });
    expect(unknown.data!.updateVariant.userErrors).toEqual([{ code: "NOT_FOUND", field: ["id"] }]);
    const forbidden = await products.gql(update, { id: large, input: { price: "1.00" } }, products.tokens.customer());
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("soft-deletes: hidden from shoppers, visible to admins, still an entity for old orders", async () => {
    const product = await createProduct(products, { name: "Discontinued Lamp" });
    const deleted = await products.gql<{ deleteProduct: { deleted: boolean } }>(
      `mutation($id: ID!) { deleteProduct(id: $id) { deleted userErrors { code } } }`,
      { id: product.id },
    );
    expect(deleted.data!.deleteProduct.deleted).toBe(true);
    const byId = `query($id: ID) { product(id: $id) { id active } }`;
    expect(
      (await products.gql<{ product: unknown }>(byId, { id: product.id }, products.tokens.customer())).data!.product,
    ).toBeNull();
    expect((await products.gql<{ product: unknown }>(byId, { id: product.id })).data!.product).toEqual({
      id: product.id,
      active: false,
    });
    const listing = await products.gql<{ products: { nodes: Array<{ id: string }> } }>(
      `{ products(first: 100) { nodes { id } } }`,
      {},
      null,
    );
    expect(listing.data!.products.nodes.map((n) => n.id)).not.toContain(product.id);
    const entity = await products.gql<{ _entities: Array<{ name: string; active: boolean }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Product { name active } } }`,
      { r: [{ __typename: "Product", id: product.id }] },
      null,
    );
    expect(entity.data!._entities).toEqual([{ name: "Discontinued Lamp", active: false }]);
    expect((await outbox(product.variants[0]!.id)).at(-1)).toMatchObject({
      type: "variant.updated",
      envelope: { data: { active: false } },
    });
    const missing = await products.gql<{ deleteProduct: { userErrors: Array<{ code: string }> } }>(
      `mutation { deleteProduct(id: "prd_missing") { userErrors { code } } }`,
    );
    expect(missing.data!.deleteProduct.userErrors).toEqual([{ code: "NOT_FOUND" }]);
  });

  it("builds a category tree; slugs are unique; an unknown parent is NOT_FOUND", async () => {
    const root = await createCategory(products, "Home");
    const child = await createCategory(products, "Bedroom", root.id);
    const tree = await products.gql<{
      categories: Array<{ id: string; children: Array<{ id: string; parent: { id: string } }> }>;
    }>(`{ categories { id children { id parent { id } } } }`, {}, null);
    expect(tree.data!.categories.find((c) => c.id === root.id)!.children).toEqual([
      { id: child.id, parent: { id: root.id } },
    ]);
    const again = await products.gql<{ createCategory: { userErrors: Array<{ code: string }> } }>(
      `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { userErrors { code } } }`,
      { input: { name: "Home again", slug: root.slug } },
    );
    expect(again.data!.createCategory.userErrors).toEqual([{ code: "TAKEN" }]);
    const orphan = await products.gql<{ createCategory: { userErrors: Array<{ code: string }> } }>(
      `mutation($input: CreateCategoryInput!) { createCategory(input: $input) { userErrors { code } } }`,
      { input: { name: "Orphan", parentId: "cat_missing" } },
    );
    expect(orphan.data!.createCategory.userErrors).toEqual([{ code: "NOT_FOUND" }]);
  });
});

describe("federation", () => {
  it("resolves 100 variant references in one _entities call with one SQL query", async () => {
    const created = await createProduct(products, {
      name: "Many Variants",
      variants: Array.from({ length: 100 }, (_, i) => ({
        sku: uniqueSku("MANY"),
        title: `V${i}`,
        price: `${i + 1}.00`,
      })),
    });
    products.resetQueryCount();
    const result = await products.gql<{ _entities: Array<{ id: string; price: { amount: string } }> }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { id price { amount } } } }`,
      { r: created.variants.map((v) => ({ __typename: "ProductVariant", id: v.id })) },
      null,
    );
    expect(result.data!._entities.map((v) => v.id)).toEqual(created.variants.map((v) => v.id));
    expect(products.queryCount()).toBe(1);
  });

  it("product pages by slug load variants and category with one query per type", async () => {
    const category = await createCategory(products, "Rugs");
    const product = await createProduct(products, { name: "Wool Rug", categoryId: category.id });
    const result = await products.gql<{
      product: { id: string; category: { id: string }; variants: unknown[]; priceRange: { min: { amount: string } } };
    }>(
      `query($slug: String) { product(slug: $slug) { id category { id } variants { id } priceRange { min { amount currencyCode } } } }`,
      { slug: product.slug },
      null,
    );
    expect(result.data!.product).toMatchObject({
      id: product.id,
      category: { id: category.id },
      priceRange: { min: { amount: "10.00" } },
    });
    const neither = await products.gql(`{ product { id } }`, {}, null);
    expect(neither.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
