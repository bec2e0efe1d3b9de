import {
  baseEnvSchema,
  eventsEnv,
  jwksUrl,
  port,
  postgresUrl,
  requireProductionSecrets,
} from "@cartograph/service-kit";
import { z } from "zod";

/** The payment gateways this service can talk to; a real one plugs in behind `PaymentGateway`. */
export const PAYMENT_GATEWAYS = ["test"] as const;

export const paymentsEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4005),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9405),
    DATABASE_URL: postgresUrl("payments"),
    ...eventsEnv,
    /** Where the users service publishes the public keys of access tokens. */
    JWKS_URL: jwksUrl(),
    /** `test`: the built-in gateway that takes Stripe-style test tokens (`tok_visa`) and moves no money. */
    PAYMENT_GATEWAY: z.enum(PAYMENT_GATEWAYS).default("test"),
  })
  .superRefine(requireProductionSecrets);

export type PaymentsConfig = z.infer<typeof paymentsEnvSchema>;
