import { connectBroker, ProductActivity, startProductActivityConsumer } from "@cartograph/events";
import {
  connectMongo,
  createJwksVerifier,
  queueOwner,
  startSubgraphServer,
  type AccessTokenVerifier,
  type Logger,
  type MongoStore,
  type RunningServer,
} from "@cartograph/service-kit";
import type { RecommendationsConfig } from "./config";
import type { RecommendationsContext, RecommendationsServices } from "./context";
import { CoPurchaseRepository } from "./copurchase/copurchase.repository";
import { ensureRecommendationsIndexes } from "./db";
import { startPurchaseConsumer } from "./purchase/purchase.events";
import { RecommendationService } from "./recommendation/recommendation.service";
import { buildRecommendationsSchema } from "./schema";

export interface RecommendationsService {
  server: RunningServer;
  services: RecommendationsServices;
  coPurchases: CoPurchaseRepository;
  stop: () => Promise<void>;
}

export interface RecommendationsDependencies {
  store?: MongoStore;
  verifier?: AccessTokenVerifier;
}

/** Wires the recommendations subgraph: MongoDB, the purchase and catalogue consumers, the HTTP server. */
export async function startRecommendationsService(
  config: RecommendationsConfig,
  log: Logger,
  {
    store = connectMongo(config.MONGODB_URL, log),
    verifier = createJwksVerifier(config.JWKS_URL),
  }: RecommendationsDependencies = {},
): Promise<RecommendationsService> {
  await ensureRecommendationsIndexes(store.db);
  const coPurchases = new CoPurchaseRepository(store.db);
  const products = new ProductActivity(store.db);
  const services: RecommendationsServices = { recommendations: new RecommendationService(coPurchases, products) };

  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const owner = queueOwner("recommendations", config.EVENTS_QUEUE_NAMESPACE);
  const consumers = [
    await startProductActivityConsumer({ broker, db: store.db, log, queueOwner: owner, activity: products }),
    await startPurchaseConsumer({ broker, db: store.db, log, queueOwner: owner, coPurchases }),
  ];

  const server = await startSubgraphServer<RecommendationsContext>({
    service: "recommendations",
    schema: await buildRecommendationsSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services }),
    readiness: { mongodb: store.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    services,
    coPurchases,
    stop: async () => {
      await server.stop();
      for (const consumer of consumers) await consumer.stop();
      await broker.close();
      await store.close();
    },
  };
}
