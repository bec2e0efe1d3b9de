/**
 * A soak: the storefront mix with checkouts against the running platform (`pnpm start`) for a
 * long while, bounded (20 shoppers by default), reporting each service process's memory at the
 * start and the end, requests, and every error by code. It should read zero errors.
 *
 *   pnpm exec tsx bench/soak.ts [--minutes 30] [--shoppers 20] [--router http://127.0.0.1:4000/graphql]
 *
 * Every shopper here comes from one address, so start the platform with throttling that never
 * binds (it still runs): THROTTLE_MAX_POINTS=1000000000 THROTTLE_RESTORE_RATE=1000000000 pnpm start
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { catalogueOf, mix } from "./router/storefront";

const { values: options } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    shoppers: { type: "string", default: "20" },
    router: { type: "string", default: "http://127.0.0.1:4000/graphql" },
  },
  strict: false,
});

/** Resident memory (MB) of each Cartograph service process, found by its entry point and folder. */
function memoryOfServices(): Record<string, number> {
  const lines = execFileSync("ps", ["-eo", "pid=,rss=,args="], { encoding: "utf8" }).split("\n");
  const memory: Record<string, number> = {};
  for (const line of lines) {
    const match = /^\s*(\d+)\s+(\d+)\s+(.*src\/bin\/main\.ts.*)$/.exec(line);
    if (!match) continue;
    const pid = match[1]!;
    const cwd = execFileSync("readlink", [`/proc/${pid}/cwd`], { encoding: "utf8" }).trim();
    memory[cwd.split("/").at(-1)!] = Math.round(Number(match[2]) / 1024);
  }
  return memory;
}

async function main(): Promise<void> {
  const url = String(options.router);
  const catalogue = await catalogueOf(url);
  const before = memoryOfServices();
  process.stdout.write(
    `soak: ${options.shoppers} shoppers for ${options.minutes} min through ${url}\nmemory at start (MB): ${JSON.stringify(before)}\n`,
  );
  const totals = { requests: 0, errors: {} as Record<string, number> };
  const minutes = Number(options.minutes);
  for (let minute = 1; minute <= minutes; minute++) {
    const result = await mix({ label: "soak", url, trustedDocuments: true }, catalogue, 60, Number(options.shoppers));
    totals.requests += result.requests;
    for (const [code, count] of Object.entries(result.errors)) totals.errors[code] = (totals.errors[code] ?? 0) + count;
    process.stdout.write(
      `  minute ${minute}: ${result.rps.toFixed(1)} req/s, p95 ${result.p95.toFixed(1)} ms, errors ${JSON.stringify(result.errors)}\n`,
    );
  }
  const after = memoryOfServices();
  process.stdout.write(`memory at end (MB): ${JSON.stringify(after)}\n`);
  process.stdout.write(`requests ${totals.requests}, errors ${JSON.stringify(totals.errors)}\n`);
}

void main();
