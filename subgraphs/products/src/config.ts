import {
  baseEnvSchema,
  eventsEnv,
  jwksUrl,
  port,
  postgresUrl,
  requireProductionSecrets,
} from "@cartograph/service-kit";
import { z } from "zod";

export const productsEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4002),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9402),
    DATABASE_URL: postgresUrl("products"),
    ...eventsEnv,
    JWKS_URL: jwksUrl(),
  })
  .superRefine(requireProductionSecrets);

export type ProductsConfig = z.infer<typeof productsEnvSchema>;
