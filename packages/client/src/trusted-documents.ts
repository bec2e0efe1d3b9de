import { createHash } from "node:crypto";
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
