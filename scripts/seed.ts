import { runTs } from "./run";
import { subgraphs } from "./subgraphs";

// `pnpm seed`: demo data (idempotent). "after-start" seeds need the platform running (`pnpm start` does both).
async function main() {
  for (const subgraph of subgraphs.filter((s) => s.seed === "before-start"))
    await runTs(subgraph.dir, "src/bin/seed.ts");
  for (const subgraph of subgraphs.filter((s) => s.seed === "after-start"))
    await runTs(subgraph.dir, "src/bin/seed.ts");
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
