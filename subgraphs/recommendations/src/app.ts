import path from "node:path";
import { connectBroker } from "@cartograph/events";
import { startMongoCustomerDataConsumer } from "@cartograph/events/mongo";
import { queueOwner, startStopping, type Logger } from "@cartograph/service-kit";
import { createJwksVerifier, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import { connectMongo, type MongoStore } from "@cartograph/service-kit/mongo";
import { startMetricsServer, type RunningMetricsServer } from "@cartograph/service-kit/metrics";
import { startSubgraphServer, type RunningServer } from "@cartograph/service-kit/server";
import { startCatalogueConsumer } from "./catalogue/catalogue.events";
import { CatalogueRepository } from "./catalogue/catalogue.repository";
import type { RecommendationsConfig } from "./config";
import type { RecommendationsContext, RecommendationsServiceRegistry } from "./context";
import { CoPurchaseRepository } from "./copurchase/copurchase.repository";
import { CustomerDataService } from "./customer/customer-data.service";
import { ErasedCustomerRepository } from "./customer/erased-customer.repository";
import { ensureRecommendationsIndexes } from "./db";
import { startPurchaseConsumer } from "./purchase/purchase.events";
import { RecommendationService } from "./recommendation/recommendation.service";
import { buildRecommendationsSchema } from "./schema";

export const RECOMMENDATIONS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running recommendations subgraph. `stop` is graceful: requests and events finish, connections close. */
export interface RecommendationsSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  services: RecommendationsServiceRegistry;
  coPurchases: CoPurchaseRepository;
  stop: () => Promise<void>;
}

export interface RecommendationsDependencies {
  store?: MongoStore;
  verifier?: AccessTokenVerifier;
}

/** Wires the recommendations subgraph: MongoDB, the purchase, catalogue and customer data consumers, the HTTP server. */
export function startRecommendationsSubgraph(
  config: RecommendationsConfig,
  log: Logger,
  given: RecommendationsDependencies = {},
): Promise<RecommendationsSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const store = stops.add("mongodb", given.store ?? connectMongo(config.MONGODB_URL, log));
    // Idempotent: a fresh database works without a separate migrate step (which production runs first).
    await ensureRecommendationsIndexes(store.db);
    const coPurchases = new CoPurchaseRepository(store.db);
    const catalogue = new CatalogueRepository(store.db);
    const services: RecommendationsServiceRegistry = {
      recommendations: new RecommendationService(coPurchases, catalogue),
    };

    const broker = stops.add(
      "broker",
      connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log }),
    );
    const consumed = {
      broker,
      db: store.db,
      log,
      queueOwner: queueOwner("recommendations", config.EVENTS_QUEUE_NAMESPACE),
    };
    stops.add("catalogue consumer", await startCatalogueConsumer({ ...consumed, catalogue }));
    const customerData = new CustomerDataService(coPurchases, new ErasedCustomerRepository(store.db));
    stops.add("purchase consumer", await startPurchaseConsumer({ ...consumed, coPurchases, customerData }));
    stops.add(
      "customer data consumer",
      await startMongoCustomerDataConsumer({ ...consumed, service: "recommendations", handlers: customerData }),
    );

    const server = await startSubgraphServer<RecommendationsContext>({
      service: "recommendations",
      schema: await buildRecommendationsSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services }),
      readiness: { mongodb: store.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics, services, coPurchases };
  });
}
