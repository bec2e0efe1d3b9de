import { composeServices } from "@apollo/composition";
import { printSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { hiveSubgraphNames, hiveSubgraphSchema } from "./subgraphs";

/** The Hive benchmark's supergraph, composed from the four subgraphs as served at `urlOf(name)`. */
export function composeHiveSupergraph(urlOf: (name: string) => string): string {
  const result = composeServices(
    hiveSubgraphNames().map((name) => ({
      name,
      url: urlOf(name),
      typeDefs: parse(printSubgraphSchema(hiveSubgraphSchema(name))),
    })),
  );
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
}
