/**
 * `pnpm check:api`: compares the API schema clients see (packages/client/schema.graphql) with the
 * one last released (packages/client/schema.released.graphql) and exits 1 on a breaking change that
 * packages/client/api-changes.allowed.json does not list with a reason, so frontends can rely on the
 * API: add freely, deprecate first, remove only deliberately and in writing. An allowlist entry that
 * matches no breaking change fails too, so the list stays true. Every operation of the released
 * SDKs (the router still trusts them) must also still validate against the current schema.
 * docs/api.md has the policy.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { type Change, ChangeType, CriticalityLevel, diff } from "@graphql-inspector/core";
import {
  misHashedOperations,
  type PersistedQueryManifest,
  readManifest,
  RELEASED_MANIFESTS_DIR,
  releasedManifestFiles,
} from "@cartograph/client/trusted-documents";
import {
  buildSchema,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
} from "graphql";
import { z } from "zod";
import { repoRoot } from "./subgraphs";
export const CURRENT_SCHEMA = "packages/client/schema.graphql";
export const RELEASED_SCHEMA = "packages/client/schema.released.graphql";
export const ALLOWLIST = "packages/client/api-changes.allowed.json";
/** Where the supported releases' manifests are, as messages name it. */
export const RELEASED_DOCUMENTS = path.relative(repoRoot, RELEASED_MANIFESTS_DIR);

const changeTypes = new Set<string>(Object.values(ChangeType));
const nonEmpty = (what: string) => z.string().trim().min(1, `${what} must not be empty`);

/** One deliberate breaking change: its path as this check prints it, optionally its change type, and why. */
const allowedChangeSchema = z.strictObject({
  path: nonEmpty("path"),
  type: z
    .string()
    .refine(
      (type) => changeTypes.has(type),
      "type must be a change type of @graphql-inspector/core, e.g. FIELD_REMOVED",
    )
    .optional(),
  reason: nonEmpty("reason (why breaking clients is acceptable)"),
  since: nonEmpty("since (when the entry was added, e.g. 2025-01-31)"),
});
const allowlistSchema = z.array(allowedChangeSchema, "the allowlist must be a JSON array of entries");
export type AllowedChange = z.infer<typeof allowedChangeSchema>;

/** The allowlist's entries, or an error naming each bad entry by its index (and path, when it has one). */
export function parseAllowlist(json: unknown): AllowedChange[] {
  const result = allowlistSchema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const [index, ...field] = issue.path;
    if (typeof index !== "number") return issue.message;
    const entry: unknown = Array.isArray(json) ? json[index] : undefined;
    const entryPath =
      typeof entry === "object" && entry !== null && "path" in entry && typeof entry.path === "string"
        ? ` (${entry.path})`
        : "";
    return `entry ${index}${entryPath}${field.length > 0 ? `, ${field.join(".")}` : ""}: ${issue.message}`;
  });
  throw new Error(`${ALLOWLIST} is invalid:\n  ${problems.join("\n  ")}`);
}

/** A change as printed, with why it fails or which allowlist entry lets it through. */
export interface ReportedChange {
  level: CriticalityLevel;
  type: string;
  path: string;
  message: string;
  /** Inspector's explanation of the criticality, when it gives one. */
  reason?: string;
  /** For a breaking change: the allowlist entry that makes it deliberate, if any. */
  allowedBy?: AllowedChange;
  /** For a breaking change nothing allows: what to do instead. */
  problem?: string;
}

/** A released SDK's operation the current schema refuses: the apps built on that release would break. */
export interface BrokenDocument {
  release: string;
  name: string;
  id: string;
  errors: string[];
}

/** A supported release's operations, as the router trusts them. */
export interface ReleasedManifest {
  version: string;
  manifest: unknown;
}

export interface ApiChangesReport {
  changes: ReportedChange[];
  /** Allowlist entries that match no breaking change any more. */
  stale: AllowedChange[];
  /** How many released SDK operations were validated, and which of them fail. */
  releasedDocuments: number;
  brokenDocuments: BrokenDocument[];
  ok: boolean;
}

const manifestSchema: z.ZodType<PersistedQueryManifest> = z.object({
  format: z.literal("apollo-persisted-query-manifest"),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string(), name: z.string(), type: z.string(), body: z.string() })),
});

/** The supported releases' operations that would fail against `schema` (or whose text is not what their id says). */
export function brokenReleasedDocuments(
  schema: GraphQLSchema,
  releases: readonly ReleasedManifest[],
): { checked: number; broken: BrokenDocument[] } {
  let checked = 0;
  const broken: BrokenDocument[] = [];
  for (const release of releases) {
    const parsed = manifestSchema.safeParse(release.manifest);
    if (!parsed.success)
      throw new Error(
        `${RELEASED_DOCUMENTS}/${release.version}.json is not a persisted query manifest: ${parsed.error.issues[0]!.message}`,
      );
    const misHashed = new Set(misHashedOperations(parsed.data).map((operation) => operation.id));
    for (const { id, name, body } of parsed.data.operations) {
      checked += 1;
      let errors: string[];
      if (misHashed.has(id)) errors = ["its text does not hash to its id"];
      else {
        try {
          errors = validate(schema, parse(body)).map((error) => error.message);
        } catch (error) {
          errors = [error instanceof Error ? error.message : String(error)];
        }
      }
      if (errors.length > 0) broken.push({ release: release.version, name, id, errors });
    }
  }
  return { checked, broken };
}

/** Changes without a path (the schema's root types) are named by their type in the output and the allowlist. */
const pathOf = (change: Change): string => change.path ?? change.type;

const REMOVALS = new Set<string>([
  ChangeType.FieldRemoved,
  ChangeType.InputFieldRemoved,
  ChangeType.EnumValueRemoved,
  ChangeType.FieldArgumentRemoved,
]);

/** Whether the element at an inspector path (Type.field, Type.field.argument, Enum.VALUE) was deprecated. */
function wasDeprecated(schema: GraphQLSchema, elementPath: string): boolean {
  const [typeName, member, argument] = elementPath.split(".");
  const type = typeName ? schema.getType(typeName) : undefined;
  if (!type || !member) return false;
  if (isEnumType(type)) return type.getValue(member)?.deprecationReason != null;
  if (isInputObjectType(type)) return type.getFields()[member]?.deprecationReason != null;
  if (!isObjectType(type) && !isInterfaceType(type)) return false;
  const field = type.getFields()[member];
  if (argument === undefined) return field?.deprecationReason != null;
  return field?.args.find((arg) => arg.name === argument)?.deprecationReason != null;
}

function problemOf(change: ReportedChange, released: GraphQLSchema): string {
  const allowIt = `if it is deliberate, add an entry to ${ALLOWLIST} with the reason`;
  if (!REMOVALS.has(change.type)) return `${change.reason ?? "breaks clients"} (${allowIt})`;
  if (!wasDeprecated(released, change.path)) {
    return (
      "was not deprecated in the released schema: deprecate it first (@deprecated(reason: " +
      '"Use <replacement>.")), keep it for at least one release, then remove it with an allowlist entry'
    );
  }
  return `was deprecated, but removing it still breaks clients that use it: ${allowIt}`;
}

const matches = (entry: AllowedChange, change: ReportedChange): boolean =>
  entry.path === change.path && (entry.type === undefined || entry.type === change.type);

/** The pure check: the released and current SDL and the allowlist's parsed JSON in, every change and the verdict out. */
export async function compareApiSchemas(
  releasedSdl: string,
  currentSdl: string,
  allowlistJson: unknown,
  releases: readonly ReleasedManifest[] = [],
): Promise<ApiChangesReport> {
  const allowlist = parseAllowlist(allowlistJson);
  const released = buildSchema(releasedSdl);
  const current = buildSchema(currentSdl);
  const changes: ReportedChange[] = (await diff(released, current)).map((change) => ({
    level: change.criticality.level,
    type: change.type,
    path: pathOf(change),
    message: change.message,
    ...(change.criticality.reason ? { reason: change.criticality.reason } : {}),
  }));
  for (const change of changes) {
    if (change.level !== CriticalityLevel.Breaking) continue;
    const allowedBy = allowlist.find((entry) => matches(entry, change));
    if (allowedBy) change.allowedBy = allowedBy;
    else change.problem = problemOf(change, released);
  }
  const stale = allowlist.filter(
    (entry) => !changes.some((change) => change.level === CriticalityLevel.Breaking && matches(entry, change)),
  );
  const { checked, broken: brokenDocuments } = brokenReleasedDocuments(current, releases);
  return {
    changes,
    stale,
    releasedDocuments: checked,
    brokenDocuments,
    ok: stale.length === 0 && brokenDocuments.length === 0 && changes.every((change) => change.problem === undefined),
  };
}

const LEVELS = [CriticalityLevel.Breaking, CriticalityLevel.Dangerous, CriticalityLevel.NonBreaking];

/** The report as printed: every change grouped by criticality, then the stale entries and the verdict. */
export function formatReport(report: ApiChangesReport): string {
  const lines: string[] = [];
  for (const level of LEVELS) {
    const changes = report.changes.filter((change) => change.level === level);
    if (changes.length === 0) continue;
    lines.push(`${level} (${changes.length}):`);
    for (const change of changes) {
      lines.push(`  ${change.path}: ${change.message}`);
      if (change.allowedBy) lines.push(`    allowed since ${change.allowedBy.since}: ${change.allowedBy.reason}`);
      if (change.problem) lines.push(`    NOT ALLOWED: ${change.problem}`);
    }
  }
  for (const entry of report.stale) {
    lines.push(
      `STALE allowlist entry ${entry.path}${entry.type ? ` (${entry.type})` : ""}: no such breaking change ` +
        `between ${RELEASED_SCHEMA} and ${CURRENT_SCHEMA}; remove it from ${ALLOWLIST}`,
    );
  }
  for (const document of report.brokenDocuments) {
    lines.push(
      `RELEASED DOCUMENT ${document.name} of ${document.release} (${document.id.slice(0, 12)}) fails against ` +
        `${CURRENT_SCHEMA}: ${document.errors.join(" ")} Apps built on that release send it; keep the API ` +
        `compatible, or, if breaking them is deliberate (an allowlisted change), retire the release ` +
        `(delete ${RELEASED_DOCUMENTS}/${document.release}.json)`,
    );
  }
  if (report.ok) {
    lines.push(
      report.changes.length === 0
        ? "api: no changes since the released schema"
        : `api: ${report.changes.length} change(s) since the released schema, none breaks clients unannounced`,
    );
    if (report.releasedDocuments > 0)
      lines.push(`api: the supported SDK releases' ${report.releasedDocuments} operations all validate against it`);
  } else {
    const failures = report.changes.filter((change) => change.problem !== undefined).length;
    lines.push(
      `api: FAILED: ${failures} breaking change(s) not allowed, ${report.stale.length} stale allowlist entry(ies), ` +
        `${report.brokenDocuments.length} released document(s) broken`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** What the check compares, read from the repository: both schemas, the allowlist and every supported release. */
export function readApiCheckInputs(): [string, string, unknown, ReleasedManifest[]] {
  const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
  let allowlistJson: unknown;
  try {
    allowlistJson = JSON.parse(read(ALLOWLIST));
  } catch (error) {
    throw new Error(`${ALLOWLIST} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const releases = releasedManifestFiles().map(({ version, file }) => ({ version, manifest: readManifest(file) }));
  return [read(RELEASED_SCHEMA), read(CURRENT_SCHEMA), allowlistJson, releases];
}

async function main(): Promise<void> {
  const report = await compareApiSchemas(...readApiCheckInputs());
  (report.ok ? process.stdout : process.stderr).write(formatReport(report));
  if (!report.ok) process.exit(1);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
