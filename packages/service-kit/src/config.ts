import { z } from "zod";

const DEV_ROUTER_SECRET = "cartograph-dev-router-secret";

/**
 * OpenTelemetry's standard variables, as far as Cartograph uses them. The SDK reads them itself
 * (it starts before the config is parsed: telemetry/index.ts); they are declared here so a bad
 * value stops the service with a clear message, and so deployments know every service reads them.
 */
function tracingEnv() {
  return {
    /** Tracing is on when either endpoint is set (`/v1/traces` is appended to the general one). */
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
    OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(["http/protobuf", "http/json"]).default("http/protobuf"),
    /** Default: `cartograph-<service>`. */
    OTEL_SERVICE_NAME: z.string().optional(),
    OTEL_TRACES_SAMPLER: z
      .enum([
        "always_on",
        "always_off",
        "traceidratio",
        "parentbased_always_on",
        "parentbased_always_off",
        "parentbased_traceidratio",
      ])
      .default("parentbased_always_on"),
    OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  };
}

/** Settings every service reads; services extend this with their own. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HOST: z.string().default("127.0.0.1"),
  /** Shared secret the router sends on every subgraph call; subgraphs refuse calls without it. */
  ROUTER_SECRET: z.string().min(16, "must be at least 16 characters").default(DEV_ROUTER_SECRET),
  STORE_CURRENCY: z
    .string()
    .regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD")
    .default("USD"),
  ...tracingEnv(),
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

export const postgresUrl = (fallbackDb: string) =>
  z.string().url().default(`postgres://${fallbackDb}:${fallbackDb}@127.0.0.1:5432/${fallbackDb}`);

/** A MongoDB connection string naming the service's own database in its path. */
export const mongodbUrl = (fallbackDb: string) =>
  z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "must be a mongodb:// or mongodb+srv:// URL")
    .default(`mongodb://127.0.0.1:27017/${fallbackDb}`);

export const rabbitmqUrl = () => z.string().url().default("amqp://guest:guest@127.0.0.1:5672");

/** The RabbitMQ settings of every service that publishes or consumes events. */
export const eventsEnv = {
  RABBITMQ_URL: rabbitmqUrl(),
  EVENTS_EXCHANGE: z.string().min(1).default("cartograph.events"),
  /**
   * Prefixes this service's queue names (`<namespace>.inventory.catalogue`), so several
   * platforms (parallel test runs) can share one broker without taking each other's events.
   */
  EVENTS_QUEUE_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9._-]*$/, "letters, digits, dots, dashes and underscores only")
    .default(""),
};

/** The owner part of a service's queue names: `inventory`, or `<namespace>.inventory`. */
export function queueOwner(service: string, namespace: string): string {
  return namespace ? `${namespace}.${service}` : service;
}

/** A `superRefine` for every service: the development defaults of secrets never reach production. */
export function requireProductionSecrets(env: { NODE_ENV: string; ROUTER_SECRET: string }, ctx: z.RefinementCtx): void {
  if (env.NODE_ENV === "production" && env.ROUTER_SECRET === DEV_ROUTER_SECRET) {
    ctx.addIssue({ code: "custom", path: ["ROUTER_SECRET"], message: "must be set to a real secret in production" });
  }
}

export const jwksUrl = () => z.string().url().default("http://127.0.0.1:4001/.well-known/jwks.json");

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Parses the environment against a zod schema. Throws a ConfigError naming every bad variable;
 * `loadConfigOrExit` turns that into a clear message and exit code 1 for `main.ts`.
 */
export function parseConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  // Empty strings mean "unset" so `FOO= pnpm start` falls back to the default instead of failing.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(env)"}: ${issue.message}`));
}

export function loadConfigOrExit<S extends z.ZodType>(
  service: string,
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`[${service}] ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
