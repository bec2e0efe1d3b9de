import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, copyFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import YAML from "yaml";
import { loadEnvSchema, type EnvSchema, type SafeParser } from "../env-schemas";
import { imageServices } from "../images/generate";
import { repoRoot, subgraphs } from "../subgraphs";

/** A rendered Kubernetes object: only what every kind has is typed here; kinds are narrowed where used. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const k8sDir = path.join(repoRoot, "k8s");
const KUSTOMIZE_VERSION = "v5.5.0";

/**
 * `kubectl kustomize`, else `kustomize`, else one built from the Go module proxy into .local/bin
 * (a fresh machine may have neither).
 */
function kustomizeCommand(): { command: string; args: string[] } {
  const onPath = (name: string) => {
    try {
      execFileSync(name, ["version", ...(name === "kubectl" ? ["--client"] : [])], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (onPath("kubectl")) return { command: "kubectl", args: ["kustomize"] };
  if (onPath("kustomize")) return { command: "kustomize", args: ["build"] };
  const local = path.join(repoRoot, ".local/bin/kustomize");
  if (!existsSync(local)) {
    execFileSync("go", ["install", `sigs.k8s.io/kustomize/kustomize/v5@${KUSTOMIZE_VERSION}`], {
      env: { ...process.env, GOBIN: path.dirname(local) },
      stdio: "inherit",
    });
  }
  return { command: local, args: ["build"] };
}

export function parseYamlDocuments(text: string): K8sObject[] {
  return YAML.parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
      return doc.toJS() as unknown;
    })
    .filter((value): value is K8sObject => isK8sObject(value));
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== "object" || value === null) return false;
  const { apiVersion, kind, metadata } = value as Record<string, unknown>;
  return (
    typeof apiVersion === "string" && typeof kind === "string" && typeof metadata === "object" && metadata !== null
  );
}

/**
 * Renders a kustomization under k8s/ (e.g. "overlays/k3s"). The gitignored secret files an
 * overlay generates Secrets from are filled from their committed *.example templates, in a
 * copy, so CI renders exactly what a deploy would, with placeholder secrets.
 */
export function renderKustomization(relativeDir: string): K8sObject[] {
  const workDir = mkdtempSync(path.join(os.tmpdir(), "cartograph-k8s-"));
  try {
    const copy = path.join(workDir, "k8s");
    cpSync(k8sDir, copy, { recursive: true });
    for (const overlay of readdirSync(path.join(copy, "overlays"))) {
      const secrets = path.join(copy, "overlays", overlay, "secrets");
      if (!existsSync(secrets)) continue;
      for (const file of readdirSync(secrets).filter((f) => f.endsWith(".example"))) {
        copyFileSync(path.join(secrets, file), path.join(secrets, file.slice(0, -".example".length)));
      }
    }
    const { command, args } = kustomizeCommand();
    const output = execFileSync(command, [...args, path.join(copy, relativeDir)], {
      encoding: "utf8",
      maxBuffer: 32 * 1024 * 1024,
    });
    return parseYamlDocuments(output);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

export interface DeployedService {
  name: string;
  kind: "router" | "subgraph";
  dir: string;
  /** The PORT default of its env schema: what it listens on unless told otherwise. */
  port: number;
  schema: EnvSchema;
  /** Its own datastore, from the schema: DATABASE_URL means PostgreSQL, MONGODB_URL MongoDB. */
  store: "postgres" | "mongodb" | null;
  /** From scripts/subgraphs.ts; undefined for a subgraph not registered there yet. */
  seed: "before-start" | "after-start" | null | undefined;
  usesEvents: boolean;
}

/** The default a schema field applies when the variable is unset, if any. */
export function schemaDefault(schema: EnvSchema, key: string): unknown {
  const field = schema.shape[key] as (SafeParser & { parse?: (value: unknown) => unknown }) | undefined;
  if (!field?.parse || !field.safeParse(undefined).success) return undefined;
  return field.parse(undefined);
}

/**
 * Every deployable service: the subgraphs of scripts/subgraphs.ts, any other subgraphs/<name>
 * with a src/config.ts (registered there later), and the router. A new service cannot be missed.
 */
export async function deployedServices(): Promise<DeployedService[]> {
  const registered = new Map(subgraphs.map((s) => [s.name, s]));
  const onDisk = readdirSync(path.join(repoRoot, "subgraphs")).filter((name) =>
    existsSync(path.join(repoRoot, "subgraphs", name, "src/config.ts")),
  );
  const names = [...new Set([...registered.keys(), ...onDisk])].sort();
  const services: DeployedService[] = [];
  for (const name of [...names, "router"]) {
    const dir = name === "router" ? path.join(repoRoot, "router") : path.join(repoRoot, "subgraphs", name);
    const schema = await loadEnvSchema(name);
    const port = schemaDefault(schema, "PORT");
    if (typeof port !== "number") throw new Error(`${name}: its env schema has no numeric PORT default`);
    const keys = Object.keys(schema.shape);
    services.push({
      name,
      kind: name === "router" ? "router" : "subgraph",
      dir,
      port,
      schema,
      store: keys.includes("DATABASE_URL") ? "postgres" : keys.includes("MONGODB_URL") ? "mongodb" : null,
      seed: name === "router" ? null : registered.has(name) ? registered.get(name)!.seed : undefined,
      usesEvents: keys.includes("RABBITMQ_URL"),
    });
  }
  return services;
}

/** A web app deployed beside the services (apps/<name> with a server.ts): the storefront. */
export interface DeployedApp {
  name: string;
  dir: string;
  /** Its server's PORT default, as scripts/images/generate.ts reads it for the image. */
  port: number;
}

/** The apps with an image (scripts/images/generate.ts decides which), e.g. the storefront. */
export function deployedApps(): DeployedApp[] {
  return imageServices()
    .filter((image) => image.kind === "app")
    .map((image) => ({ name: image.name, dir: path.join(repoRoot, image.dir), port: image.port }));
}

/**
 * What the storefront's server.ts reads from its environment (its zod schema has no module of
 * its own to import, as the services' config has); consistency.test.ts checks the file still names each.
 */
export const STOREFRONT_VARIABLES = ["NODE_ENV", "LOG_LEVEL", "HOST", "PORT", "ROUTER_URL", "STOREFRONT_DIST"] as const;

/** `SUBGRAPH_<NAME>_URL`, as router/src/config.ts subgraphUrlOverride reads it. */
export const subgraphUrlVariable = (subgraph: string) =>
  `SUBGRAPH_${subgraph.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_URL`;

/** The variable names a service reads: its schema's keys; the router also its subgraph URL overrides. */
export function readableVariables(service: DeployedService, all: DeployedService[]): Set<string> {
  const names = new Set(Object.keys(service.schema.shape));
  if (service.kind === "router")
    for (const s of all.filter((x) => x.kind === "subgraph")) names.add(subgraphUrlVariable(s.name));
  return names;
}

/** Schema keys with neither a default nor `.optional()`: unset, the service refuses to start. */
export function requiredVariables(service: DeployedService): string[] {
  return Object.entries(service.schema.shape)
    .filter(([, field]) => !field.safeParse(undefined).success)
    .map(([key]) => key);
}

/** Problems of one process's environment against its service's schema (names, required, full parse). */
export function envProblems(service: DeployedService, all: DeployedService[], env: Record<string, string>): string[] {
  const problems: string[] = [];
  const readable = readableVariables(service, all);
  for (const name of Object.keys(env))
    if (!readable.has(name)) problems.push(`sets ${name}, which ${service.name} does not read`);
  for (const name of requiredVariables(service))
    if (!(name in env)) problems.push(`does not set ${name}, which ${service.name} requires`);
  // As parseConfig does: empty means unset.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ""));
  const parsed = service.schema.safeParse(cleaned);
  if (!parsed.success)
    for (const issue of parsed.error.issues)
      problems.push(`${issue.path.map(String).join(".") || "(env)"}: ${issue.message}`);
  return problems;
}
