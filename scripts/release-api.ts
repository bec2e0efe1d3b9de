/**
 * `pnpm api:release`, once @cartograph/client's version has been raised for a release: this SDK's
 * operations become a supported release the router keeps trusting (packages/client/src/released/
 * <version>.json: apps built on it keep working), the current API schema becomes the released one
 * (`pnpm check:api`'s baseline), and the allowlist of deliberate breaking changes starts empty
 * again. It refuses while `pnpm check:api` fails, or when the version was not raised. docs/api.md
 * has the policy.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readManifest } from "@cartograph/client/trusted-documents";
import {
  ALLOWLIST,
  compareApiSchemas,
  formatReport,
  readApiCheckInputs,
  RELEASED_DOCUMENTS,
  RELEASED_SCHEMA,
} from "./check-api-changes";
import { repoRoot } from "./subgraphs";

const CURRENT_DOCUMENTS = "packages/client/src/generated/trusted-documents.json";
/** The released schema's first line names its version: `... @cartograph/client 0.1.0: ...`. */
const RELEASED_VERSION = /@cartograph\/client (\d+\.\d+\.\d+):/;

/** Whether `next` is a later x.y.z version than `previous`. */
export function isLaterVersion(next: string, previous: string): boolean {
  const parts = (version: string) => {
    if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`"${version}" is not a version (x.y.z)`);
    return version.split(".").map(Number);
  };
  const [a, b] = [parts(next), parts(previous)];
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

async function main(): Promise<void> {
  const file = (name: string) => path.join(repoRoot, name);
  const read = (name: string) => readFileSync(file(name), "utf8");
  const { version } = JSON.parse(read("packages/client/package.json")) as { version: string };
  const inputs = readApiCheckInputs();
  const [releasedSchema, currentSchema, , releases] = inputs;
  const header = releasedSchema.split("\n", 1)[0]!;
  const previous = header.match(RELEASED_VERSION)?.[1];
  if (!previous) throw new Error(`${RELEASED_SCHEMA}: its first line does not name a version ("${header}")`);
  if (!isLaterVersion(version, previous))
    throw new Error(`@cartograph/client is ${version}, not later than the released ${previous}: raise it first`);
  const target = path.join(RELEASED_DOCUMENTS, `${version}.json`);
  if (existsSync(file(target))) throw new Error(`${target} exists already`);

  const report = await compareApiSchemas(...inputs);
  if (!report.ok) throw new Error(`${formatReport(report)}pnpm check:api fails: fix that before releasing`);

  copyFileSync(file(CURRENT_DOCUMENTS), file(target));
  // The current schema without its own "generated, do not edit" header: the released one has its own.
  const schema = currentSchema.replace(/^(#.*\n)+\n*/, "");
  writeFileSync(
    file(RELEASED_SCHEMA),
    `${header.replace(RELEASED_VERSION, `@cartograph/client ${version}:`)}\n\n${schema}`,
  );
  writeFileSync(file(ALLOWLIST), "[]\n");
  process.stdout.write(
    `api: released @cartograph/client ${version}: ${target} (${readManifest(file(target)).operations.length} ` +
      `operations, trusted by the router beside ${releases.map((release) => release.version).join(", ") || "none"}), ` +
      `${RELEASED_SCHEMA} updated, ${ALLOWLIST} emptied\n`,
  );
}

if (require.main === module)
  main().catch((error: unknown) => {
    process.stderr.write(`api:release: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
