import { buildSchema, parse, validate } from "graphql";
import { parseConfig } from "@cartograph/service-kit";
import { routerEnvSchema } from "./config";
import { LIMIT_EXTENSION } from "./errors";
import { operationLimits } from "./limits";

// A schema as deep as a catalogue gets: categories nest without end.
const schema = buildSchema(`
  type Category { id: ID!  name: String!  parent: Category  children: [Category!]! }
  type Query { category(id: ID!): Category  categories: [Category!]! }
`);

function limitErrors(query: string, env: Record<string, string> = {}) {
  const config = parseConfig(routerEnvSchema, env);
  return validate(schema, parse(query), operationLimits(config).validationRules).filter(
    (error) => error.extensions[LIMIT_EXTENSION],
  );
}

const nested = (depth: number) => `{ category(id: "1") { ${"parent { ".repeat(depth)} id ${"} ".repeat(depth)} } }`;

describe("operation limits", () => {
  it("accepts an operation within every limit", () => {
    expect(limitErrors(nested(8))).toEqual([]);
  });

  it("rejects an operation deeper than MAX_QUERY_DEPTH, once", () => {
    const errors = limitErrors(nested(14), { MAX_QUERY_DEPTH: "12" });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/depth/i);
  });

  it("rejects an operation costlier than MAX_QUERY_COST", () => {
    const wide = `{ categories { children { children { children { id name } } } } }`;
    expect(limitErrors(wide, { MAX_QUERY_COST: "1000" })).toEqual([]);
    expect(limitErrors(wide, { MAX_QUERY_COST: "5" }).map((e) => e.message)).toEqual([expect.stringMatching(/cost/i)]);
  });

  it("rejects more aliases than MAX_ALIASES", () => {
    const aliases = `{ ${Array.from({ length: 4 }, (_, i) => `c${i}: category(id: "${i}") { id }`).join(" ")} }`;
    expect(limitErrors(aliases, { MAX_ALIASES: "3" })).toHaveLength(1);
    expect(limitErrors(aliases, { MAX_ALIASES: "4" })).toHaveLength(0);
  });
});
