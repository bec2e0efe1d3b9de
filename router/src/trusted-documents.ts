import {
  misHashedOperations,
  type PersistedQueryManifest,
  readManifest,
  releasedManifestFiles,
  trustedDocumentId,
} from "@cartograph/client/trusted-documents";
import { ErrorCode } from "@cartograph/service-kit";
import { GraphQLError } from "graphql";

/**
 * `allow`: known ids are answered from the manifest, anything else goes on as usual (Sandbox,
 * ad-hoc clients, APQ registration). `only` (meant for production): nothing but a known id runs.
 */
export type TrustedDocumentsMode = "allow" | "only";

/** What a client sent: the GraphQL-over-HTTP fields this cares about. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

const refused = (code: string, message: string, status: number) =>
  new GraphQLError(message, { extensions: { code, http: { status } } });

/**
 * The SDK's manifests: this version's operations, and those of every release still supported (an
 * app built on an older SDK keeps sending its ids after the router is upgraded).
 */
export const SDK_MANIFESTS = [
  require.resolve("@cartograph/client/trusted-documents.json"),
  ...releasedManifestFiles().map((release) => release.file),
];

/**
 * Trusted documents: the SDK's operations, known by the sha256 of their text. A request may name
 * one by `documentId` ("sha256:<hex>" or "<hex>") or by APQ's `extensions.persistedQuery.sha256Hash`
 * instead of sending its text; the router then runs the manifest's text (parsed and validated once,
 * like every document, by Apollo Server's document cache).
 */
export class TrustedDocuments {
  private readonly byId: Map<string, string>;
  private readonly names: ReadonlySet<string>;

  constructor(
    manifests: readonly PersistedQueryManifest[],
    readonly mode: TrustedDocumentsMode,
  ) {
    for (const manifest of manifests) {
      const [wrong] = misHashedOperations(manifest);
      if (wrong) throw new Error(`trusted document ${wrong.id}: its text does not hash to its id`);
    }
    const operations = manifests.flatMap((manifest) => manifest.operations);
    this.byId = new Map(operations.map((operation) => [operation.id, operation.body]));
    this.names = new Set(operations.map((operation) => operation.name));
  }

  /** The SDK's manifests unless others are given (TRUSTED_DOCUMENTS_MANIFEST). */
  static load(mode: TrustedDocumentsMode, files: readonly string[] = SDK_MANIFESTS) {
    return new TrustedDocuments(files.map(readManifest), mode);
  }

  get size(): number {
    return this.byId.size;
  }

  /**
   * An operation name as a metrics label: the manifest's names, and `other` for anything else
   * (ad-hoc documents name themselves as they like, so their names would be unbounded).
   */
  operationNameLabel(operationName: string | null | undefined): string {
    return operationName && this.names.has(operationName) ? operationName : "other";
  }

  /** Every trusted document's text (to warm caches with). */
  documents(): string[] {
    return [...this.byId.values()];
  }

  /**
   * The document text to run for a request, or undefined to let it go on unchanged (allow mode).
   * Throws a coded GraphQLError for what must be refused.
   */
  resolve(request: DocumentRequest): string | undefined {
    const hash = persistedHashOf(request);
    // Apollo Server makes whatever is sent its cache key, and a deeply nested array overflows the stack.
    if (hash !== undefined && typeof hash !== "string") {
      throw refused(ErrorCode.BAD_REQUEST, "extensions.persistedQuery.sha256Hash must be a string.", 400);
    }
    const id = idOf(request);
    const query = typeof request.query === "string" && request.query.length > 0 ? request.query : undefined;
    if (id === undefined) {
      if (this.mode === "only" && (query !== undefined || request.documentId !== undefined)) {
        throw refused(
          ErrorCode.TRUSTED_DOCUMENT_REQUIRED,
          "This router runs trusted documents only: send the operation's documentId.",
          400,
        );
      }
      return undefined;
    }
    const known = this.byId.get(id);
    if (known !== undefined) {
      if (query !== undefined && query !== known && trustedDocumentId(query) !== id) {
        throw refused(ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, "The document does not match its id.", 400);
      }
      return known;
    }
    if (this.mode === "only" || request.documentId !== undefined) {
      throw refused(ErrorCode.PERSISTED_QUERY_NOT_FOUND, "No trusted document has this id.", 400);
    }
    if (query !== undefined && trustedDocumentId(query) !== id) {
      throw refused(ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, "The document does not match its id.", 400);
    }
    // An APQ hash this router does not know: Apollo Server's own APQ cache answers (or registers it).
    return undefined;
  }
}

function idOf(request: DocumentRequest): string | undefined {
  if (typeof request.documentId === "string") return request.documentId.replace(/^sha256:/, "").toLowerCase();
  const hash = persistedHashOf(request);
  return typeof hash === "string" ? hash.toLowerCase() : undefined;
}

/** APQ's `extensions.persistedQuery.sha256Hash`, as sent. */
function persistedHashOf(request: DocumentRequest): unknown {
  const extensions =
    typeof request.extensions === "object" && request.extensions !== null ? request.extensions : undefined;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery;
  return typeof persisted === "object" && persisted !== null ? persisted.sha256Hash : undefined;
}
