import { baseEnvSchema, eventsEnv, port, postgresUrl, requireProductionSecrets } from "@cartograph/service-kit";
import { z } from "zod";

export const usersEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4001),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9401),
    DATABASE_URL: postgresUrl("users"),
    ...eventsEnv,
    /** RS256 private key (PEM) that signs access tokens. Required in production. */
    JWT_PRIVATE_KEY: z.string().optional(),
    /**
     * Public keys (PEM; several may follow one another) published in the JWKS and accepted beside
     * the signing key, never used to sign: the next key before a rotation, the previous one after
     * it until its last tokens expire (docs/operations.md, Rotating the signing key).
     */
    JWT_ACCEPTED_PUBLIC_KEYS: z.string().default(""),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    /** How long a customer's finished data export can be downloaded before it is deleted. */
    DATA_EXPORT_TTL_DAYS: z.coerce.number().int().min(1).max(30).default(7),
    /**
     * How long after a refresh token was used the same token still returns the session it was
     * exchanged for (two tabs refreshing at once), instead of counting as reuse (which revokes).
     */
    REFRESH_REUSE_GRACE_SECONDS: z.coerce.number().int().min(0).max(120).default(10),
    /** Failed sign-ins per email within LOGIN_WINDOW_MINUTES before it is refused with RATE_LIMITED. */
    MAX_LOGIN_FAILURES: z.coerce.number().int().min(1).default(10),
    LOGIN_WINDOW_MINUTES: z.coerce.number().int().min(1).default(15),
    /** The first admin, created by `pnpm seed`. Demo defaults outside production only. */
    CARTOGRAPH_ADMIN_EMAIL: z.string().email().optional(),
    CARTOGRAPH_ADMIN_PASSWORD: z.string().min(8).optional(),
  })
  .superRefine(requireProductionSecrets)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.JWT_PRIVATE_KEY) {
      ctx.addIssue({ code: "custom", path: ["JWT_PRIVATE_KEY"], message: "is required in production" });
    }
  });

export type UsersConfig = z.infer<typeof usersEnvSchema>;

export const DEMO_ADMIN = { email: "admin@cartograph.dev", password: "cartograph-admin" } as const;
