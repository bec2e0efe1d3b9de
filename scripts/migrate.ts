import { runTs } from "./run";
import { subgraphs } from "./subgraphs";

// `pnpm migrate`: every PostgreSQL subgraph's checked-in migrations.
async function main() {
  for (const subgraph of subgraphs) await runTs(subgraph.dir, "src/bin/migrate.ts");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
