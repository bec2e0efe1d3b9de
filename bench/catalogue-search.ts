/**
 * Catalogue listing at 100k products: search, filters, sorts and facets, and search-as-you-type
 * suggestions, timed through the products service's own code against a real PostgreSQL. Run by hand (not a test):
 *
 *   pnpm services:up && pnpm exec tsx bench/catalogue-search.ts [productCount=100000]
 *
 * It creates (and afterwards drops) a database `bench_catalogue_<pid>`.
 */
import { performance } from "node:perf_hooks";
import { createLogger } from "@cartograph/service-kit";
import { connectPostgres, migratePostgres } from "@cartograph/service-kit/db";
import { createTestDatabase } from "@cartograph/testing";
import { PRODUCTS_SERVICE_DIR, ProductService, productsTables, type ProductListArgs } from "@cartograph/products";

const productCount = Number(process.argv[2] ?? 100_000);
const log = createLogger("bench", "warn");

const nouns = [
  "chair",
  "desk",
  "lamp",
  "table",
  "sofa",
  "shelf",
  "mug",
  "pan",
  "kettle",
  "tent",
  "jacket",
  "shirt",
  "speaker",
  "monitor",
  "keyboard",
  "rug",
  "bed",
  "stool",
  "bench",
  "cabinet",
];
const adjectives = [
  "oak",
  "walnut",
  "modern",
  "classic",
  "compact",
  "ergonomic",
  "vintage",
  "steel",
  "linen",
  "wool",
  "cotton",
  "portable",
  "wireless",
  "heavy",
  "light",
];
const brands = Array.from({ length: 40 }, (_, i) => `Brand${i}`);
const tags = ["office", "outdoor", "kitchen", "kids", "eco", "premium", "sale", "new", "gift", "handmade"];

async function seed(url: string): Promise<void> {
  const database = connectPostgres(url, productsTables, log, { max: 2 });
  await migratePostgres(database.db, PRODUCTS_SERVICE_DIR);
  const client = await database.pool.connect();
  try {
    await client.query(`insert into categories (id, name, slug, parent_id, path)
      select 'cat_' || g, 'Category ' || g, 'category-' || g, null, '/cat_' || g || '/' from generate_series(1, 20) g`);
    // Generated in SQL: a realistic spread of names, descriptions, brands, tags and prices.
    await client.query(
      `insert into products (id, slug, name, description, brand, tags, category_id, min_price, max_price, created_at)
       select 'prd_' || g, 'p-' || g,
         initcap(a.w || ' ' || n.w) || ' ' || g,
         'A ' || a2.w || ' ' || n2.w || ' that pairs well with any ' || n.w || '. Item number ' || g || '.',
         ($3::text[])[(g % 40) + 1],
         array[($4::text[])[(g % 10) + 1], ($4::text[])[((g / 10) % 10) + 1]],
         'cat_' || ((g % 20) + 1),
         p, p + (g % 5) * 500,
         now() - (g || ' minutes')::interval
       from generate_series(1, $5::int) g
       cross join lateral (select (array[${adjectives.map((w) => `'${w}'`).join(",")}])[(g % $1) + 1] w) a
       cross join lateral (select (array[${nouns.map((w) => `'${w}'`).join(",")}])[((g / 7) % $2) + 1] w) n
       cross join lateral (select (array[${adjectives.map((w) => `'${w}'`).join(",")}])[((g / 3) % $1) + 1] w) a2
       cross join lateral (select (array[${nouns.map((w) => `'${w}'`).join(",")}])[((g / 11) % $2) + 1] w) n2
       cross join lateral (select 500 + (g * 7919) % 100000 p) price`,
      [adjectives.length, nouns.length, brands, tags, productCount],
    );
    await client.query("analyze");
  } finally {
    client.release();
    await database.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main() {
  const testDb = await createTestDatabase(`bench_catalogue_${process.pid}`);
  try {
    const seeding = performance.now();
    await seed(testDb.url);
    process.stdout.write(`seeded ${productCount} products in ${((performance.now() - seeding) / 1000).toFixed(1)} s\n`);
    const database = connectPostgres(testDb.url, productsTables, log, { max: 4 });
    const service = new ProductService(database.db, "USD");
    const cases: Array<[string, ProductListArgs, boolean]> = [
      ["search 'chairs' by relevance", { filter: { search: "chairs" } }, false],
      ["search 'oak desk' + facets", { filter: { search: "oak desk" } }, true],
      [
        "category + price range, by price",
        {
          filter: { categoryId: "cat_3", minPrice: "10", maxPrice: "500" },
          sort: { field: "PRICE", direction: "ASC" },
        },
        false,
      ],
      [
        "brand + tag, by name",
        { filter: { brands: ["Brand7"], tags: ["eco"] }, sort: { field: "NAME", direction: "ASC" } },
        false,
      ],
      ["everything, newest first + facets", {}, true],
      ["everything, by price, page 3", { sort: { field: "PRICE", direction: "DESC" } }, false],
    ];
    process.stdout.write(`${"case (20 per page, with count; 30 runs)".padEnd(40)}  p50 ms   p95 ms   total\n`);
    for (const [label, args, withFacets] of cases) {
      const timings: number[] = [];
      let total = 0;
      for (let run = 0; run < 30; run++) {
        const started = performance.now();
        let listing = await service.listProducts({ first: 20, ...args });
        if (label.includes("page 3")) {
          listing = await service.listProducts({ first: 20, ...args, after: listing.pageInfo.endCursor });
          listing = await service.listProducts({ first: 20, ...args, after: listing.pageInfo.endCursor });
        }
        if (withFacets) await listing.facets();
        // What a storefront shows: the page, its count, and (on the first page) its facets.
        total = await listing.totalCount;
        timings.push(performance.now() - started);
      }
      timings.sort((a, b) => a - b);
      process.stdout.write(
        `${label.padEnd(40)} ${percentile(timings, 50).toFixed(1).padStart(7)} ${percentile(timings, 95).toFixed(1).padStart(8)}   ${total}\n`,
      );
    }
    process.stdout.write(`\n${"suggestions as typed (8; 30 runs)".padEnd(40)}  p50 ms   p95 ms   found\n`);
    for (const prefix of ["c", "ch", "cha", "oak d", "wireless spea", "zz"]) {
      const timings: number[] = [];
      let found = 0;
      for (let run = 0; run < 30; run++) {
        const started = performance.now();
        found = (await service.suggestProducts(prefix, 8)).length;
        timings.push(performance.now() - started);
      }
      timings.sort((a, b) => a - b);
      process.stdout.write(
        `${`'${prefix}'`.padEnd(40)} ${percentile(timings, 50).toFixed(1).padStart(7)} ${percentile(timings, 95).toFixed(1).padStart(8)}   ${found}\n`,
      );
    }
    const plan = await database.pool.query(
      "explain (analyze, costs off) select id from products where active and search @@ websearch_to_tsquery('english', 'chairs') order by ts_rank_cd(search, websearch_to_tsquery('english', 'chairs'), 32) desc, id desc limit 21",
    );
    process.stdout.write(
      `\nplan of the search query:\n${plan.rows.map((row) => `  ${row["QUERY PLAN"]}`).join("\n")}\n`,
    );
    await database.close();
  } finally {
    await testDb.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
