import { baseEnvSchema, eventsEnv, jwksUrl, mongodbUrl, port, requireProductionSecrets } from "@cartograph/service-kit";
import type { z } from "zod";

export const recommendationsEnvSchema = baseEnvSchema
  .extend({
    PORT: port(4007),
    /** Prometheus `/metrics`, on a port of its own (never routed by the ingress); 0 picks a free one. */
    METRICS_PORT: port(9407),
    /** The service's own MongoDB database, named in the URL's path. */
    MONGODB_URL: mongodbUrl("recommendations"),
    ...eventsEnv,
    /** Where the users service publishes the public keys of access tokens. */
    JWKS_URL: jwksUrl(),
  })
  .superRefine(requireProductionSecrets);

export type RecommendationsConfig = z.infer<typeof recommendationsEnvSchema>;
