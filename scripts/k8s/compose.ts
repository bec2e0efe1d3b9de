import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { repoRoot } from "../subgraphs";

/** The parts of a compose service the checks read. */
export interface ComposeService {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string | number | boolean | null>;
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
  ports?: string[];
  volumes?: string[];
  restart?: string;
  read_only?: boolean;
  user?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export const composeFile = path.join(repoRoot, "docker-compose.yml");
export const composeEnvExample = path.join(repoRoot, "deploy/compose/env.example");

/** Parses docker-compose.yml with YAML merge keys (`<<:`), as compose does. */
export function loadCompose(file = composeFile): ComposeFile {
  const parsed: unknown = YAML.parse(readFileSync(file, "utf8"), { merge: true });
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    typeof (parsed as { services?: unknown }).services !== "object"
  ) {
    throw new Error(`${file} has no services`);
  }
  return parsed as ComposeFile;
}

/** A dotenv file as compose reads it: KEY=value, optional single or double quotes, # comments. */
export function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!.trim();
    if (value.length >= 2 && (value[0] === "'" || value[0] === '"') && value.endsWith(value[0]))
      value = value.slice(1, -1);
    values[match[1]!] = value;
  }
  return values;
}

/**
 * Compose's interpolation: `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`,
 * `${VAR?error}`, `$$`. A required variable that is unset is an error, as `docker compose` makes it.
 */
export function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g,
    (whole, name: string | undefined, colon: string, op: string, arg: string) => {
      if (whole === "$$") return "$";
      const set = name! in env && (colon !== ":" || env[name!] !== "");
      if (set) return env[name!]!;
      if (op === "?") throw new Error(`${name} is required: ${arg}`);
      return op === "-" ? arg : "";
    },
  );
}

/** A service's environment after interpolation, values as strings. */
export function serviceEnvironment(service: ComposeService, env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([key, value]) => [
      key,
      interpolate(value === null ? "" : String(value), env),
    ]),
  );
}

/** Every service `name` waits for, directly or through others. */
export function dependencyClosure(compose: ComposeFile, name: string): Set<string> {
  const seen = new Set<string>();
  const visit = (current: string) => {
    for (const dependency of Object.keys(compose.services[current]?.depends_on ?? {})) {
      if (!seen.has(dependency)) {
        seen.add(dependency);
        visit(dependency);
      }
    }
  };
  visit(name);
  return seen;
}
