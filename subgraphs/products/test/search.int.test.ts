import { createCategory, createProduct, startProductsHarness, uniqueSku, type ProductsHarness } from "./harness";

let products: ProductsHarness;
const LIST = `query($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
  products(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount
    nodes { id name brand tags priceRange { min { amount } max { amount } } category { id } }
    pageInfo { hasNextPage endCursor }
    facets { field values { value label count } }
  }
}`;

interface ListedNode {
  id: string;
  name: string;
  brand: string | null;
  tags: string[];
  priceRange: { min: { amount: string }; max: { amount: string } };
  category: { id: string } | null;
}
interface Listing {
  totalCount: number;
  nodes: ListedNode[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  facets: Array<{ field: string; values: Array<{ value: string; label: string; count: number }> }>;
}

async function list(variables: Record<string, unknown>): Promise<Listing> {
  const result = await products.gql<{ products: Listing }>(LIST, variables, null);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data!.products;
}

let tree: { furniture: string; chairs: string; office: string; kitchen: string };
const names: Record<string, string> = {};

beforeAll(async () => {
  products = await startProductsHarness();
  const furniture = await createCategory(products, "Furniture");
  const chairs = await createCategory(products, "Chairs", furniture.id);
  const office = await createCategory(products, "Office Chairs", chairs.id);
  const kitchen = await createCategory(products, "Kitchen");
  tree = { furniture: furniture.id, chairs: chairs.id, office: office.id, kitchen: kitchen.id };
  const make = async (key: string, input: Record<string, unknown>, prices: string[]) => {
    const product = await createProduct(products, {
      ...input,
      variants: prices.map((price, i) => ({ sku: uniqueSku(key), title: `V${i}`, price })),
    });
    names[key] = product.id;
  };
  await make(
    "ergonomic",
    {
      name: "Ergonomic Office Chair",
      description: "Lumbar support for long days.",
      brand: "Sitwell",
      tags: ["ergonomic", "office"],
      categoryId: office.id,
    },
    ["249.00", "279.00"],
  );
  await make(
    "task",
    {
      name: "Mesh Task Chair",
      description: "Breathable mesh.",
      brand: "Nordhaus",
      tags: ["office"],
      categoryId: office.id,
    },
    ["129.00"],
  );
  await make(
    "dining",
    {
      name: "Oak Dining Chair",
      description: "Solid oak.",
      brand: "Oakline",
      tags: ["wood", "dining"],
      categoryId: chairs.id,
    },
    ["89.00"],
  );
  await make(
    "desk",
    {
      name: "Standing Desk",
      description: "Pairs well with any chair.",
      brand: "Nordhaus",
      tags: ["office", "ergonomic"],
      categoryId: furniture.id,
    },
    ["499.00", "599.00"],
  );
  await make(
    "pan",
    {
      name: "Cast Iron Pan",
      description: "Seasoned and ready.",
      brand: "Ironwood",
      tags: ["cast iron"],
      categoryId: kitchen.id,
    },
    ["39.00"],
  );
  await make(
    "kettle",
    { name: "Kettle", description: "Boils water fast.", brand: "Ironwood", tags: [], categoryId: kitchen.id },
    ["39.00"],
  );
});
afterAll(() => products?.close());

describe("full-text search", () => {
  it("tolerates word forms: 'chairs' finds every chair", async () => {
    const found = await list({ filter: { search: "chairs" } });
    expect(found.nodes.map((n) => n.id)).toEqual(expect.arrayContaining([names.ergonomic, names.task, names.dining]));
    expect(found.nodes.map((n) => n.id)).not.toContain(names.pan);
  });

  it("ranks a match in the name above a match in the description", async () => {
    const found = await list({ filter: { search: "chair" }, sort: { field: "RELEVANCE", direction: "DESC" } });
    const ids = found.nodes.map((n) => n.id);
    // The desk mentions a chair only in its description: it comes after every chair.
    expect(ids).toContain(names.desk);
    expect(ids.indexOf(names.desk!)).toBe(ids.length - 1);
  });

  it("finds nothing for nonsense and survives search syntax", async () => {
    expect((await list({ filter: { search: "zxqv" } })).totalCount).toBe(0);
    for (const search of ['"unterminated', "chair -oak", "chair OR pan", "&&|!()", "   "]) {
      await expect(list({ filter: { search } })).resolves.toBeDefined();
    }
    expect((await list({ filter: { search: "chair -oak" } })).nodes.map((n) => n.id)).not.toContain(names.dining);
  });
});

describe("filters", () => {
  it("a category includes its descendants", async () => {
    const ids = (await list({ filter: { categoryId: tree.furniture } })).nodes.map((n) => n.id).sort();
    expect(ids).toEqual([names.ergonomic, names.task, names.dining, names.desk].sort());
    expect((await list({ filter: { categoryId: tree.office } })).totalCount).toBe(2);
    expect((await list({ filter: { categoryId: "cat_unknown" } })).totalCount).toBe(0);
  });

  it("a price range matches products with any variant inside it", async () => {
    const ids = (await list({ filter: { minPrice: "250", maxPrice: "500" } })).nodes.map((n) => n.id).sort();
    expect(ids).toEqual([names.ergonomic, names.desk].sort());
    expect((await list({ filter: { maxPrice: "39.00" } })).nodes.map((n) => n.id).sort()).toEqual(
      [names.pan, names.kettle].sort(),
    );
  });

  it("brands and tags match any of the given values, and filters combine", async () => {
    expect((await list({ filter: { brands: ["Ironwood", "Oakline"] } })).totalCount).toBe(3);
    expect((await list({ filter: { tags: ["ergonomic"] } })).nodes.map((n) => n.id).sort()).toEqual(
      [names.ergonomic, names.desk].sort(),
    );
    expect(
      (await list({ filter: { tags: ["office"], brands: ["Nordhaus"], categoryId: tree.office } })).nodes.map(
        (n) => n.id,
      ),
    ).toEqual([names.task]);
  });

  it("a malformed price or too many values is BAD_USER_INPUT", async () => {
    for (const filter of [
      { minPrice: "ten" },
      { maxPrice: "1.234" },
      { brands: Array.from({ length: 51 }, (_, i) => `b${i}`) },
    ]) {
      const result = await products.gql(LIST, { filter }, null);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("facets", () => {
  it("count brands, tags and categories over the whole filtered set", async () => {
    const filter = { categoryId: tree.furniture };
    const all = await list({ filter, first: 100 });
    const paged = await list({ filter, first: 1 });
    expect(paged.facets).toEqual(all.facets);
    const counted = (values: Array<string | null | undefined>) =>
      Object.fromEntries(
        [...new Set(values.filter(Boolean))].map((value) => [value, values.filter((v) => v === value).length]),
      );
    const facet = (field: string) =>
      Object.fromEntries(all.facets.find((f) => f.field === field)!.values.map((v) => [v.value, v.count]));
    expect(facet("brand")).toEqual(counted(all.nodes.map((n) => n.brand)));
    expect(facet("tag")).toEqual(counted(all.nodes.flatMap((n) => n.tags)));
    expect(facet("category")).toEqual(counted(all.nodes.map((n) => n.category?.id)));
    expect(
      all.facets
        .find((f) => f.field === "category")!
        .values.map((v) => v.label)
        .sort(),
    ).toEqual(["Chairs", "Furniture", "Office Chairs"]);
  });
});

describe("sorting and pagination", () => {
  const sorted = async (field: string, direction: string) =>
    (await list({ sort: { field, direction }, first: 100 })).nodes;

  it("sorts by price, name and creation time in both directions", async () => {
    const byPriceAsc = (await sorted("PRICE", "ASC")).map((n) => Number(n.priceRange.min.amount));
    expect(byPriceAsc).toEqual([...byPriceAsc].sort((a, b) => a - b));
    const byPriceDesc = (await sorted("PRICE", "DESC")).map((n) => Number(n.priceRange.min.amount));
    expect(byPriceDesc).toEqual([...byPriceDesc].sort((a, b) => b - a));
    const byName = (await sorted("NAME", "ASC")).map((n) => n.name.toLowerCase());
    expect(byName).toEqual([...byName].sort());
    const newest = (await sorted("CREATED_AT", "DESC")).map((n) => n.id);
    expect(newest[0]).toBe(names.kettle);
    expect(newest.at(-1)).toBe(names.ergonomic);
  });

  it("walks every page sorted by price without gaps or repeats, ties included", async () => {
    // 23 more products sharing three prices, so page boundaries fall inside runs of equal prices.
    for (let i = 0; i < 23; i++) {
      await createProduct(products, {
        name: `Tie ${i}`,
        variants: [{ sku: uniqueSku("tie"), title: "T", price: ["5.00", "6.00", "7.00"][i % 3] }],
      });
    }
    for (const direction of ["ASC", "DESC"]) {
      const everything = await list({ sort: { field: "PRICE", direction }, first: 100 });
      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page: Listing = await list({ sort: { field: "PRICE", direction }, first: 4, after });
        seen.push(...page.nodes.map((n) => n.id));
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
        pages += 1;
      } while (after && pages < 50);
      expect(seen).toEqual(everything.nodes.map((n) => n.id));
      expect(new Set(seen).size).toBe(everything.totalCount);
    }
  });

  it("pages search results by relevance without gaps or repeats", async () => {
    const everything = await list({ filter: { search: "chair" }, first: 100 });
    const first = await list({ filter: { search: "chair" }, first: 2 });
    const rest = await list({ filter: { search: "chair" }, first: 100, after: first.pageInfo.endCursor });
    expect([...first.nodes, ...rest.nodes].map((n) => n.id)).toEqual(everything.nodes.map((n) => n.id));
  });

  it("a cursor from another sort, a forged cursor, or first > 100 is BAD_USER_INPUT", async () => {
    const byName = await list({ sort: { field: "NAME", direction: "ASC" }, first: 1 });
    const forged = Buffer.from(JSON.stringify(["c1", "1; drop table products", "x"])).toString("base64url");
    for (const variables of [
      { sort: { field: "PRICE", direction: "ASC" }, after: byName.pageInfo.endCursor },
      { sort: { field: "PRICE", direction: "ASC" }, after: forged },
      { first: 101 },
    ]) {
      const result = await products.gql(LIST, variables, null);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("productSuggestions (search as you type)", () => {
  const SUGGEST = `query($prefix: String!, $first: Int) { productSuggestions(prefix: $prefix, first: $first) { name } }`;
  async function suggest(prefix: string, first?: number): Promise<string[]> {
    const result = await products.gql<{ productSuggestions: Array<{ name: string }> }>(
      SUGGEST,
      { prefix, first },
      null,
    );
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.productSuggestions.map((product) => product.name);
  }

  it("matches the start of any word of the name, every word typed, names starting with it first", async () => {
    expect(await suggest("cha")).toEqual(["Mesh Task Chair", "Oak Dining Chair", "Ergonomic Office Chair"]);
    expect(await suggest("C")).toEqual([
      "Cast Iron Pan",
      "Mesh Task Chair",
      "Oak Dining Chair",
      "Ergonomic Office Chair",
    ]);
    expect(await suggest("c", 2)).toEqual(["Cast Iron Pan", "Mesh Task Chair"]);
    expect(await suggest("oak ch")).toEqual(["Oak Dining Chair"]);
    expect(await suggest("  chair, (oak)!  ")).toEqual(["Oak Dining Chair"]);
    expect(await suggest("chairs")).toEqual([]);
  });

  it("finds nothing for nothing typed, refuses a bad size, and leaves out deleted products", async () => {
    expect(await suggest("   ")).toEqual([]);
    expect(await suggest("&|!:*")).toEqual([]);
    for (const variables of [{ prefix: "c", first: 0 }, { prefix: "c", first: 21 }, { prefix: "c".repeat(201) }]) {
      const result = await products.gql(SUGGEST, variables, null);
      expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    const doomed = await createProduct(products, {
      name: "Chaise Longue",
      description: "For reclining.",
      variants: [{ sku: uniqueSku("chaise"), title: "Default", price: "399.00" }],
    });
    expect(await suggest("chai")).toContain("Chaise Longue");
    const deleted = await products.gql<{ deleteProduct: { deleted: boolean } }>(
      `mutation($id: ID!) { deleteProduct(id: $id) { deleted } }`,
      { id: doomed.id },
      products.tokens.admin(),
    );
    expect(deleted.data!.deleteProduct.deleted).toBe(true);
    expect(await suggest("chai")).not.toContain("Chaise Longue");
  });
});
