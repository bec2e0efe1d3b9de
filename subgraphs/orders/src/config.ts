import {
  baseEnvSchema,
  eventsEnv,
  jwksUrl,
  parseMoney,
  port,
  postgresUrl,
  requireProductionSecrets,
} from "@cartograph/service-kit";
import { z } from "zod";

export const ordersEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4004),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9404),
    DATABASE_URL: postgresUrl("orders"),
    ...eventsEnv,
    JWKS_URL: jwksUrl(),
    /** Flat shipping rate in the store currency, e.g. "5.99". */
    SHIPPING_FLAT_RATE: z.string().default("5.99"),
    /** Orders whose discounted subtotal reaches this ship free. */
    FREE_SHIPPING_THRESHOLD: z.string().default("50.00"),
  })
  .superRefine(requireProductionSecrets)
  .superRefine((env, ctx) => {
    for (const key of ["SHIPPING_FLAT_RATE", "FREE_SHIPPING_THRESHOLD"] as const) {
      try {
        parseMoney(env[key], env.STORE_CURRENCY);
      } catch (error) {
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: error instanceof Error ? error.message : "not an amount",
        });
      }
    }
  });

export type OrdersConfig = z.infer<typeof ordersEnvSchema>;
