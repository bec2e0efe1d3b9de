import { readFileSync } from "node:fs";
import path from "node:path";
import { execute, parse } from "graphql";
import { NODE_TYPES_BY_PREFIX, nodeTypeOf } from "./node-ids";
import { MAX_NODES, NODE_TYPE_DEFS, nodeSubgraphSchema } from "./schema";

describe("the router's node subgraph", () => {
  it("reads an id's type from its prefix, and nothing else", () => {
    expect(nodeTypeOf("prd_0a1b")).toBe("Product");
    expect(nodeTypeOf("var_1")).toBe("ProductVariant");
    expect(nodeTypeOf("ord_1")).toBe("Order");
    for (const id of ["", "prd", "_prd", "xyz_1", "constructor_1", "__proto___1", "gcart_1", "adr_1"])
      expect(nodeTypeOf(id)).toBeNull();
  });

  it("answers node and nodes with the type an id names, null where none", async () => {
    const schema = nodeSubgraphSchema();
    const result = await execute({
      schema,
      document: parse(`{ a: node(id: "rev_9") { __typename id } b: node(id: "nope") { id }
        nodes(ids: ["usr_1", "zzz_2", "ntf_3"]) { __typename id } }`),
    });
    expect(result).toEqual({
      data: {
        a: { __typename: "Review", id: "rev_9" },
        b: null,
        nodes: [{ __typename: "User", id: "usr_1" }, null, { __typename: "Notification", id: "ntf_3" }],
      },
    });
  });

  it(`refuses more than ${MAX_NODES} ids at once with BAD_USER_INPUT`, async () => {
    const ids = Array.from({ length: MAX_NODES + 1 }, (_, n) => `prd_${n}`);
    const result = await execute({
      schema: nodeSubgraphSchema(),
      document: parse("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }"),
      variableValues: { ids },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: "ids" });
  });

  it("declares every node type, and router/node.graphql is its printout", () => {
    for (const name of Object.values(NODE_TYPES_BY_PREFIX))
      expect(NODE_TYPE_DEFS).toContain(`type ${name} implements Node @key(fields: "id")`);
    expect(readFileSync(path.resolve(__dirname, "../../node.graphql"), "utf8")).toBe(NODE_TYPE_DEFS);
  });
});
