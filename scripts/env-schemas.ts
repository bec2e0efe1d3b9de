/**
 * Each service's environment schema, read from its package's public `./config` entry: what it
 * reads, with the defaults it applies. The deployment checks and the local platform both use it.
 */
/** What a zod object schema offers once `.superRefine` has run (zod 4 keeps `.shape`). */
export interface SafeParser {
  safeParse(
    value: unknown,
  ): { success: true } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
}
export interface EnvSchema extends SafeParser {
  shape: Record<string, SafeParser>;
}

function isEnvSchema(value: unknown): value is EnvSchema {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { shape?: unknown; safeParse?: unknown };
  return typeof candidate.safeParse === "function" && typeof candidate.shape === "object" && candidate.shape !== null;
}

/** A service's env schema, from its package's public `./config` entry (`@cartograph/<name>/config`). */
export async function loadEnvSchema(name: string): Promise<EnvSchema> {
  const entry = `@cartograph/${name}/config`;
  const module: unknown = await import(entry);
  const exported = Object.entries(module as Record<string, unknown>).filter(([key]) => key.endsWith("EnvSchema"));
  const found = exported.find(([, value]) => isEnvSchema(value));
  if (!found || !isEnvSchema(found[1])) throw new Error(`${entry} exports no <name>EnvSchema zod object`);
  return found[1];
}

/** The variables a service reads (its schema's keys). */
export async function variablesReadBy(name: string): Promise<Set<string>> {
  return new Set(Object.keys((await loadEnvSchema(name)).shape));
}

/**
 * Secrets that only some services read. A process is given one only if its schema reads it
 * (the token signing key goes to users alone); the router secret and connection URLs, which
 * every service reads, are not listed.
 */
export const SECRET_VARIABLES = [
  "JWT_PRIVATE_KEY",
  "CARTOGRAPH_ADMIN_PASSWORD",
  // notifications': its SMTP server's credentials, and the key that signs unsubscribe links.
  "SMTP_URL",
  "UNSUBSCRIBE_SECRET",
] as const;

/** `env` without the secrets `name` does not read. */
export async function withOnlyItsSecrets(name: string, env: Record<string, string>): Promise<Record<string, string>> {
  const reads = await variablesReadBy(name);
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !(SECRET_VARIABLES as readonly string[]).includes(key) || reads.has(key)),
  );
}

/** The parent's environment minus every secret: a service's own come only through its env. */
export function withoutSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([key]) => !(SECRET_VARIABLES as readonly string[]).includes(key)),
  );
}
