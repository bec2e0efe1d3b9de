import { baseEnvSchema, jwksUrl, port, postgresUrl, rabbitmqUrl } from "@cartograph/service-kit";
import { z } from "zod";

export const productsEnvSchema = baseEnvSchema.extend({
  PORT: port(4002),
  DATABASE_URL: postgresUrl("products"),
  RABBITMQ_URL: rabbitmqUrl(),
  EVENTS_EXCHANGE: z.string().default("cartograph.events"),
  JWKS_URL: jwksUrl(),
});

export type ProductsConfig = z.infer<typeof productsEnvSchema>;
