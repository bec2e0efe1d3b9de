import { writeFileSync } from "node:fs";
import path from "node:path";
import { NODE_TYPE_DEFS } from "./schema";

/** `pnpm schema:print` (router): writes router/node.graphql, which supergraph.yaml composes. */
writeFileSync(path.resolve(__dirname, "../../node.graphql"), NODE_TYPE_DEFS);
