import path from "node:path";

/** The subgraphs that exist, in start order. Adding a subgraph means adding it here and to supergraph.yaml. */
export interface SubgraphEntry {
  name: string;
  dir: string;
  port: number;
  /** Has drizzle migrations to apply before start. */
  migrates: boolean;
  /** Has a `src/seed-main.ts` for demo data. */
  seeds: boolean;
}

export const repoRoot = path.resolve(__dirname, "..");

export const subgraphs: SubgraphEntry[] = [
  { name: "users", dir: path.join(repoRoot, "subgraphs/users"), port: 4001, migrates: true, seeds: true },
  { name: "products", dir: path.join(repoRoot, "subgraphs/products"), port: 4002, migrates: true, seeds: true },
];
