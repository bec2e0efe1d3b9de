import { runTs } from "./run";
import { subgraphs } from "./subgraphs";

// `pnpm seed`: demo data for every subgraph that has some (idempotent).
async function main() {
  for (const subgraph of subgraphs.filter((s) => s.seeds)) await runTs(subgraph.dir, "src/seed-main.ts");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
