import { buildSchema, parse } from "graphql";
import { CostHints, CostThrottle, DEFAULT_LIST_SIZE, operationCost } from "./throttle";

const schema = buildSchema(`
  type Review { id: ID!  body: String!  author: User! }
  type User { id: ID!  name: String! }
  type ProductEdge { cursor: String!  node: Product! }
  type ProductConnection { edges: [ProductEdge!]!  nodes: [Product!]!  totalCount: Int! }
  type Product { id: ID!  name: String!  reviews(first: Int): [Review!]!  tags: [String!]!  related: [Product!]! }
  type Query { product(id: ID!): Product  products(first: Int, last: Int): ProductConnection! }
  type Mutation { addReview(productId: ID!, body: String!): Review! }
`);

const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  operationCost(schema, parse(query), variables, operationName);

describe("operation cost", () => {
  it("charges objects, not scalars, and at least one point", () => {
    expect(cost(`{ product(id: "1") { id name tags } }`)).toBe(1);
    expect(cost(`{ __typename }`)).toBe(1);
  });

  it("multiplies a page by its first, from a literal or a variable, and not again for edges and nodes", () => {
    // products 1 + 20 edges + 20 nodes, each node's reviews page (5) and their authors (5).
    const page = `query Page($n: Int) { products(first: $n) { totalCount edges { node { id reviews(first: 5) { id author { name } } } } } }`;
    expect(cost(page, { n: 20 })).toBe(1 + 20 + 20 + 20 * 5 + 20 * 5);
    expect(cost(`{ products(first: 2) { edges { node { reviews(first: 5) { author { id } } } } } }`)).toBe(
      1 + 2 + 2 + 2 * 5 + 2 * 5,
    );
    expect(cost(`{ products(last: 3) { nodes { id } } }`)).toBe(1 + 3);
  });

  it("assumes DEFAULT_LIST_SIZE for a list without a page size", () => {
    expect(cost(`{ product(id: "1") { related { id related { id } } } }`)).toBe(
      1 + DEFAULT_LIST_SIZE + DEFAULT_LIST_SIZE ** 2,
    );
  });

  it("counts fragments where they are spread, and only the operation asked for", () => {
    const document = `
      fragment Card on Product { id related { id } }
      query One { product(id: "1") { ...Card } }
      query Two { product(id: "1") { ...Card related { ...Card } } }`;
    expect(cost(document, {}, "One")).toBe(1 + DEFAULT_LIST_SIZE);
    expect(cost(document, {}, "Two")).toBe(1 + DEFAULT_LIST_SIZE + DEFAULT_LIST_SIZE * (1 + DEFAULT_LIST_SIZE));
  });

  it("charges a mutation more than the objects it returns", () => {
    expect(cost(`mutation { addReview(productId: "1", body: "Good") { id author { id } } }`)).toBe(10 + 1 + 1);
  });
});

describe("cost hints from the supergraph", () => {
  // As composition writes them: the cost spec linked, @listSize imported, @cost its own name.
  const supergraph = `
    schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@listSize"]) { query: Query }
    type Review @cost(weight: 0) { id: ID! }
    type Product { id: ID!  related: [Product!]! @listSize(assumedSize: 3)  reviews(first: Int): [Review!]!  tags: [String!]! }
    type Query { product(id: ID!): Product @cost(weight: 5) }
  `;
  const hints = CostHints.fromSupergraph(supergraph);
  const hinted = (query: string) => operationCost(schema, parse(query), {}, undefined, hints);

  it("sizes a list by its assumed size, weighs fields and types as declared, and a given first still wins", () => {
    expect(hinted(`{ product(id: "1") { related { id } } }`)).toBe(5 + 3);
    expect(hinted(`{ product(id: "1") { reviews(first: 50) { id } } }`)).toBe(5 + 0);
    expect(hinted(`{ product(id: "1") { reviews(first: 5) { author { id } } } }`)).toBe(5 + 0 + 5);
  });

  it("reads hints renamed by the supergraph's links", () => {
    const renamed = CostHints.fromSupergraph(
      supergraph
        .replace('import: ["@listSize"]', 'as: "demand"')
        .replaceAll("@cost(", "@demand(")
        .replaceAll("@listSize(", "@demand__listSize("),
    );
    expect(operationCost(schema, parse(`{ product(id: "1") { related { id } } }`), {}, undefined, renamed)).toBe(8);
  });
});

describe("cost throttle", () => {
  it("draws from each client's bucket, refuses past it with the wait, and refills at the restore rate", () => {
    let now = 0;
    const throttle = new CostThrottle({ maximumAvailable: 100, restoreRate: 10 }, () => now);
    expect(throttle.take("ip:a", 60)).toMatchObject({ allowed: true, status: { currentlyAvailable: 40 } });
    const refused = throttle.take("ip:a", 60);
    expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 2, status: { currentlyAvailable: 40 } });
    // Another client has its own bucket.
    expect(throttle.take("ip:b", 100)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
    now = 2_000;
    expect(throttle.take("ip:a", 60)).toMatchObject({ allowed: true, status: { currentlyAvailable: 0 } });
    now = 1_000_000;
    // Never more than a full bucket, however long the client was away.
    expect(throttle.take("ip:a", 1)).toMatchObject({ allowed: true, status: { currentlyAvailable: 99 } });
  });

  it("refuses an operation dearer than a full bucket, however long the client waits", () => {
    const throttle = new CostThrottle({ maximumAvailable: 100, restoreRate: 10 }, () => 0);
    expect(throttle.take("ip:a", 101)).toMatchObject({ allowed: false });
  });
});
