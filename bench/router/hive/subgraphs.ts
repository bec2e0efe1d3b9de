/**
 * The four subgraphs of The Guild's public gateways benchmark (graphql-hive/graphql-gateways-benchmark,
 * "federation"): accounts, products, inventory and reviews, with the benchmark's data, as small
 * Node subgraphs (@apollo/subgraph over a bare node:http server, so they cost the router as little
 * CPU as possible). Written here from the benchmark's description of its schemas and data.
 *
 *   tsx bench/router/hive/subgraphs.ts <accounts|products|inventory|reviews|all> <port>
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from "graphql";

const FEDERATION =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable", "@external", "@requires", "@provides"])';

interface User {
  id: string;
  name: string;
  username: string;
  birthday: number;
}
interface Product {
  upc: string;
  name: string;
  price: number;
  weight: number;
}
interface Review {
  id: string;
  body: string;
  upc: string;
}

const users: User[] = [
  ["1", "Uri Goldshtein", "urigo"],
  ["2", "Dotan Simha", "dotansimha"],
  ["3", "Kamil Kisiela", "kamilkisiela"],
  ["4", "Arda Tanrikulu", "ardatan"],
  ["5", "Gil Gardosh", "gilgardosh"],
  ["6", "Laurin Quast", "laurin"],
].map(([id, name, username]) => ({ id: id!, name: name!, username: username!, birthday: 1234567890 }));

const products: Product[] = [
  ["1", "Table", 899, 100],
  ["2", "Couch", 1299, 1000],
  ["3", "Glass", 15, 20],
  ["4", "Chair", 499, 100],
  ["5", "TV", 1299, 1000],
  ["6", "Lamp", 6999, 300],
  ["7", "Grill", 3999, 2000],
  ["8", "Fridge", 100000, 6000],
  ["9", "Sofa", 9999, 800],
].map(([upc, name, price, weight]) => ({
  upc: String(upc),
  name: String(name),
  price: Number(price),
  weight: Number(weight),
}));

const inStock = new Map(
  Object.entries({ 1: true, 2: false, 3: false, 4: false, 5: true, 6: true, 7: true, 8: false, 9: true }),
);

const reviews = JSON.parse(readFileSync(path.join(__dirname, "reviews.json"), "utf8")) as Review[];

const subgraphs: Record<string, () => GraphQLSchema> = {
  accounts: () =>
    buildSubgraphSchema({
      typeDefs: parse(`${FEDERATION}
        type Query { me: User users: [User] user(id: ID!): User }
        type User @key(fields: "id") { id: ID! name: String username: String @shareable birthday: Int }`),
      resolvers: {
        Query: {
          me: () => users[0],
          users: () => users,
          user: (_: unknown, { id }: { id: string }) => users.find((user) => user.id === id) ?? null,
        },
        User: { __resolveReference: ({ id }: { id: string }) => users.find((user) => user.id === id) ?? null },
      },
    }),
  products: () =>
    buildSubgraphSchema({
      typeDefs: parse(`${FEDERATION}
        type Query { topProducts(first: Int = 5): [Product] }
        type Product @key(fields: "upc") { upc: String! name: String price: Int weight: Int }`),
      resolvers: {
        Query: { topProducts: (_: unknown, { first }: { first: number }) => products.slice(0, first) },
        Product: {
          __resolveReference: ({ upc }: { upc: string }) => products.find((product) => product.upc === upc) ?? null,
        },
      },
    }),
  inventory: () =>
    buildSubgraphSchema({
      typeDefs: parse(`${FEDERATION}
        type Product @key(fields: "upc") {
          upc: String!
          weight: Int @external
          price: Int @external
          inStock: Boolean
          shippingEstimate: Int @requires(fields: "price weight")
        }`),
      resolvers: {
        Product: {
          // As in the benchmark, the entity is inventory's own record, which knows no price or
          // weight: shippingEstimate is always null in the expected response.
          __resolveReference: ({ upc }: { upc: string }) => ({ upc, inStock: inStock.get(upc) ?? null }),
          shippingEstimate: (product: { price?: number | null; weight?: number | null }) =>
            product.price == null
              ? null
              : product.price > 1000
                ? 0
                : product.weight == null
                  ? null
                  : Math.floor(product.weight / 2),
        },
      },
    }),
  reviews: () =>
    buildSubgraphSchema({
      typeDefs: parse(`${FEDERATION}
        type Review @key(fields: "id") { id: ID! body: String product: Product author: User @provides(fields: "username") }
        type User @key(fields: "id") { id: ID! username: String @external reviews: [Review] }
        type Product @key(fields: "upc") { upc: String! reviews: [Review] }`),
      resolvers: {
        Review: {
          __resolveReference: ({ id }: { id: string }) => reviews.find((review) => review.id === id) ?? null,
          product: (review: Review) => ({ upc: review.upc }),
          // Every review's author is the first user, whose first two reviews the benchmark lists.
          author: () => ({ id: "1", username: "urigo" }),
        },
        User: {
          __resolveReference: ({ id }: { id: string }) => ({ id, username: "user" }),
          reviews: () => reviews.slice(0, 2),
        },
        Product: {
          __resolveReference: ({ upc }: { upc: string }) => ({ upc }),
          reviews: (product: { upc: string }) => reviews.filter((review) => review.upc === product.upc),
        },
      },
    }),
};

/** The subgraph's SDL for composition (`_service { sdl }` without a round trip). */
export function hiveSubgraphNames(): string[] {
  return Object.keys(subgraphs);
}

export function hiveSubgraphSchema(name: string): GraphQLSchema {
  const build = subgraphs[name];
  if (!build) throw new Error(`no Hive subgraph "${name}" (one of ${Object.keys(subgraphs).join(", ")})`);
  return build();
}

/** Serves one subgraph on 127.0.0.1:`port`; parsed documents are cached (the router sends a handful). */
export function serveHiveSubgraph(name: string, port: number): Promise<http.Server> {
  const schema = hiveSubgraphSchema(name);
  const documents = new Map<string, DocumentNode>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      try {
        const { query, variables, operationName } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
          query: string;
          variables?: Record<string, unknown>;
          operationName?: string;
        };
        let document = documents.get(query);
        if (!document) {
          document = parse(query);
          const errors = validate(schema, document);
          if (errors.length > 0) throw new Error(errors.map((error) => error.message).join("; "));
          documents.set(query, document);
        }
        const result = await execute({ schema, document, variableValues: variables, operationName });
        // The benchmark's data is the same for everyone and never changes: declared public, as a
        // Cartograph subgraph declares its own with @cacheControl hints.
        res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=60, public" });
        res.end(JSON.stringify(result));
      } catch (error) {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error) }] }));
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

if (require.main === module) {
  // `<name> <port>`, or `all <first port>` for the four on consecutive ports in one process.
  const [name, port] = process.argv.slice(2);
  const names = name === "all" ? hiveSubgraphNames() : [name!];
  void Promise.all(names.map((each, i) => serveHiveSubgraph(each, Number(port) + i))).then(() =>
    process.stdout.write(`hive ${names.join(", ")} from port ${port}\n`),
  );
}
