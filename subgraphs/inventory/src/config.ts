import {
  baseEnvSchema,
  eventsEnv,
  jwksUrl,
  port,
  postgresUrl,
  requireProductionSecrets,
} from "@cartograph/service-kit";
import { z } from "zod";

export const inventoryEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4003),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9403),
    DATABASE_URL: postgresUrl("inventory"),
    ...eventsEnv,
    /** Where the users service publishes the public keys of access tokens. */
    JWKS_URL: jwksUrl(),
    /** How long a checkout may hold stock before the sweeper gives it back. */
    RESERVATION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .default(900),
    RESERVATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  })
  .superRefine(requireProductionSecrets);

export type InventoryConfig = z.infer<typeof inventoryEnvSchema>;
