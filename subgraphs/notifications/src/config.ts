import {
  baseEnvSchema,
  eventsEnv,
  jwksUrl,
  port,
  postgresUrl,
  requireProductionSecrets,
} from "@cartograph/service-kit";
import { z } from "zod";

const DEV_UNSUBSCRIBE_SECRET = "cartograph-dev-unsubscribe-secret-0123456789";

const milliseconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const notificationsEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4008),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9408),
    DATABASE_URL: postgresUrl("notifications"),
    ...eventsEnv,
    /** Where the users service publishes the public keys of access tokens. */
    JWKS_URL: jwksUrl(),
    /** The SMTP server emails go through: a local mail catcher in development (Mailpit listens on 1025). */
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL")
      .default("smtp://127.0.0.1:1025"),
    MAIL_FROM: z.string().min(3).default("Cartograph <no-reply@cartograph.local>"),
    /** Sends of one email before it is marked FAILED (dead-lettered) and an operator is told in the logs. */
    EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    /** Back-off after the first failed send; it doubles per attempt up to EMAIL_RETRY_MAX_MS. */
    EMAIL_RETRY_BASE_MS: milliseconds(30_000),
    EMAIL_RETRY_MAX_MS: milliseconds(3_600_000),
    /** How often the sender looks for due emails when it has nothing to do. */
    EMAIL_POLL_INTERVAL_MS: milliseconds(1_000),
    /** Signs unsubscribe links (HMAC-SHA256): anyone holding it can unsubscribe anyone. */
    UNSUBSCRIBE_SECRET: z.string().min(32, "must be at least 32 characters").default(DEV_UNSUBSCRIBE_SECRET),
    UNSUBSCRIBE_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(60),
    /** The storefront page that takes `?token=` and calls the `unsubscribe` mutation. */
    UNSUBSCRIBE_URL: z.string().url().default("http://127.0.0.1:3000/unsubscribe"),
  })
  .superRefine(requireProductionSecrets)
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.UNSUBSCRIBE_SECRET === DEV_UNSUBSCRIBE_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["UNSUBSCRIBE_SECRET"],
        message: "must be set to a real secret in production",
      });
    }
  });

export type NotificationsConfig = z.infer<typeof notificationsEnvSchema>;
