import "reflect-metadata";
import { connectBroker, CUSTOMER_DATA_PURPOSE, type Broker } from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import {
  callSubgraph,
  deleteQueues,
  RABBITMQ_URL,
  startSubgraphHarness,
  type SubgraphHarness,
} from "@cartograph/testing";
import { PRODUCTS_SERVICE_DIR, startProductsSubgraph, type ProductsSubgraph } from "../src/app";
import { productsEnvSchema, type ProductsConfig } from "../src/config";
import { schema } from "../src/db";

export type ProductsHarness = SubgraphHarness<typeof schema, ProductsConfig, ProductsSubgraph> & {
  /** Publishes on the harness's own exchange, as users would. */
  broker: Broker;
  /** Runs an operation as an admin (or as `token` when given). */
  gql: <T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ) => ReturnType<typeof callSubgraph<T>>;
};

export async function startProductsHarness(): Promise<ProductsHarness> {
  const harness = await startSubgraphHarness({
    label: "products",
    serviceDir: PRODUCTS_SERVICE_DIR,
    dbSchema: schema,
    parseConfig: (env) => parseConfig(productsEnvSchema, env),
    start: startProductsSubgraph,
  });
  const admin = harness.tokens.admin();
  const broker = connectBroker({
    url: RABBITMQ_URL,
    exchange: harness.config.EVENTS_EXCHANGE,
    log: createLogger("products-test-broker", "silent"),
  });
  return {
    ...harness,
    broker,
    gql: (query, variables = {}, token = admin) => callSubgraph(harness.url, query, variables, { accessToken: token }),
    close: async () => {
      await broker.close();
      await harness.close();
      await deleteQueues(queueOwner("products", harness.config.EVENTS_QUEUE_NAMESPACE), [CUSTOMER_DATA_PURPOSE]);
    },
  };
}

export const CREATE_PRODUCT = `mutation($input: CreateProductInput!) {
  createProduct(input: $input) { product { id slug name variants { id sku price { amount currencyCode } } } userErrors { code field message } }
}`;

export const CREATE_CATEGORY = `mutation($input: CreateCategoryInput!) {
  createCategory(input: $input) { category { id slug } userErrors { code field message } }
}`;

export interface CreatedProduct {
  id: string;
  slug: string;
  name: string;
  variants: Array<{ id: string; sku: string; price: { amount: string; currencyCode: string } }>;
}

let skuCounter = 0;
/** A unique SKU per call, so tests never collide on the unique index. */
export const uniqueSku = (label = "SKU") => `${label}-${process.pid}-${++skuCounter}`;

export async function createProduct(harness: ProductsHarness, input: Record<string, unknown>): Promise<CreatedProduct> {
  const result = await harness.gql<{ createProduct: { product: CreatedProduct | null; userErrors: unknown[] } }>(
    CREATE_PRODUCT,
    {
      input: {
        description: "A product.",
        variants: [{ sku: uniqueSku(), title: "Default", price: "10.00" }],
        ...input,
      },
    },
  );
  if (!result.data?.createProduct.product) throw new Error(`createProduct failed: ${JSON.stringify(result)}`);
  return result.data.createProduct.product;
}

export async function createCategory(
  harness: ProductsHarness,
  name: string,
  parentId?: string,
): Promise<{ id: string; slug: string }> {
  const result = await harness.gql<{ createCategory: { category: { id: string; slug: string } | null } }>(
    CREATE_CATEGORY,
    {
      input: { name, slug: `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${++skuCounter}`, parentId },
    },
  );
  if (!result.data?.createCategory.category) throw new Error(`createCategory failed: ${JSON.stringify(result)}`);
  return result.data.createCategory.category;
}
