/**
 * `pnpm api:release`, once @cartograph/client's version has been raised for a release: the current
 * API schema becomes the released one (`pnpm check:api`'s baseline), this SDK's operations join
 * the released ones the router keeps trusting (apps built on any supported release keep working),
 * and the allowlist of deliberate breaking changes starts empty again. docs/api.md has the policy.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { PersistedQueryManifest } from "@cartograph/client/trusted-documents";
import { ALLOWLIST, CURRENT_SCHEMA, RELEASED_DOCUMENTS, RELEASED_SCHEMA } from "./check-api-changes";
import { repoRoot } from "./subgraphs";

const CURRENT_DOCUMENTS = "packages/client/src/generated/trusted-documents.json";

/** The released operations with the new release's added: by id, none lost, none twice, in a stable order. */
export function withRelease(released: PersistedQueryManifest, release: PersistedQueryManifest): PersistedQueryManifest {
  const byId = new Map(released.operations.map((operation) => [operation.id, operation]));
  for (const operation of release.operations) if (!byId.has(operation.id)) byId.set(operation.id, operation);
  const operations = [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return { format: "apollo-persisted-query-manifest", version: 1, operations };
}

function main(): void {
  const file = (name: string) => path.join(repoRoot, name);
  const readJson = <T>(name: string) => JSON.parse(readFileSync(file(name), "utf8")) as T;
  const { version } = readJson<{ version: string }>("packages/client/package.json");
  const header = readFileSync(file(RELEASED_SCHEMA), "utf8").split("\n", 1)[0]!;
  const released = header.match(/@cartograph\/client (\S+?):/)?.[1];
  if (released === version) {
    process.stderr.write(`@cartograph/client ${version} is the released version already: raise it first\n`);
    process.exit(1);
  }
  // The current schema without its own "generated, do not edit" header: the released one has its own.
  const schema = readFileSync(file(CURRENT_SCHEMA), "utf8").replace(/^(#.*\n)+\n*/, "");
  writeFileSync(
    file(RELEASED_SCHEMA),
    `${header.replace(/@cartograph\/client \S+?:/, `@cartograph/client ${version}:`)}\n\n${schema}`,
  );
  const manifest = withRelease(
    readJson<PersistedQueryManifest>(RELEASED_DOCUMENTS),
    readJson<PersistedQueryManifest>(CURRENT_DOCUMENTS),
  );
  writeFileSync(file(RELEASED_DOCUMENTS), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(file(ALLOWLIST), "[]\n");
  process.stdout.write(
    `api: released @cartograph/client ${version}: ${RELEASED_SCHEMA}, ${manifest.operations.length} trusted ` +
      `operations in ${RELEASED_DOCUMENTS}, ${ALLOWLIST} emptied\n`,
  );
}

if (require.main === module) main();
