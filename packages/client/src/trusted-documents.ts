import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Kind, print, type DocumentNode } from "graphql";

/** Apollo's persisted query manifest: how the SDK's trusted documents are listed (`pnpm codegen`). */
export interface PersistedQueryManifest {
  format: "apollo-persisted-query-manifest";
  version: 1;
  operations: Array<{ id: string; name: string; type: string; body: string }>;
}

/** Exactly the text the SDK sends for a document (and hashes into its trusted document id). */
export function documentText(document: DocumentNode): string {
  return print(document);
}

/** A trusted document's id: the hex sha256 of its text (as APQ's `sha256Hash`). */
export function trustedDocumentId(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The operations a document defines, with their kind. */
export function operationsOf(
  document: DocumentNode,
): Array<{ name: string; type: "query" | "mutation" | "subscription" }> {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.OPERATION_DEFINITION && definition.name
      ? [{ name: definition.name.value, type: definition.operation }]
      : [],
  );
}

/** Operations whose text does not hash to the id they are listed under (a manifest edited by hand). */
export function misHashedOperations(manifest: PersistedQueryManifest): PersistedQueryManifest["operations"] {
  return manifest.operations.filter((operation) => trustedDocumentId(operation.body) !== operation.id);
}

/**
 * The manifests of the SDK releases still supported, one file per release (`src/released/<version>.json`,
 * written by `pnpm api:release`): apps keep the SDK they were built with, so the router keeps trusting
 * their operations. Retiring a release is deleting its file.
 */
export const RELEASED_MANIFESTS_DIR = path.join(__dirname, "released");

export function releasedManifestFiles(dir = RELEASED_MANIFESTS_DIR): Array<{ version: string; file: string }> {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => ({ version: name.slice(0, -".json".length), file: path.join(dir, name) }))
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

export function readManifest(file: string): PersistedQueryManifest {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PersistedQueryManifest;
  } catch (error) {
    throw new Error(`${file}: not a readable manifest (${error instanceof Error ? error.message : String(error)})`);
  }
}
