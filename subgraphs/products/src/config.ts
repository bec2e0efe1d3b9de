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
    DATABASE_URL: postgresUrl("products"),
    ...eventsEnv,
    JWKS_URL: jwksUrl(),
  })
  .superRefine(requireProductionSecrets);

export type ProductsConfig = z.infer<typeof productsEnvSchema>;
