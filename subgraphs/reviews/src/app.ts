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
import type { ReviewsConfig } from "./config";
import type { ReviewsContext, ReviewsServiceRegistry } from "./context";
import { CustomerDataService } from "./customer/customer-data.service";
import { ensureReviewsIndexes, reviewsCollections } from "./db";
import { startPurchaseConsumer } from "./purchase/purchase.events";
import { PurchaseRepository } from "./purchase/purchase.repository";
import { RatingRepository } from "./rating/rating.repository";
import { ReviewAnnouncer } from "./review/review.events";
import { createReviewLoaders } from "./review/review.loaders";
import { ReviewRepository } from "./review/review.repository";
import { ReviewService } from "./review/review.service";
import { buildReviewsSchema } from "./schema";

export const REVIEWS_SERVICE_DIR = path.resolve(__dirname, "..");

/** The running reviews subgraph. `stop` is graceful: requests and events finish, connections close. */
export interface ReviewsSubgraph {
  server: RunningServer;
  /** Prometheus `/metrics`, on METRICS_PORT. */
  metrics: RunningMetricsServer;
  services: ReviewsServiceRegistry;
  stop: () => Promise<void>;
}

export interface ReviewsDependencies {
  store?: MongoStore;
  verifier?: AccessTokenVerifier;
}

/** Wires the reviews subgraph: MongoDB, the purchase, catalogue and customer data consumers, the HTTP server. */
export function startReviewsSubgraph(
  config: ReviewsConfig,
  log: Logger,
  given: ReviewsDependencies = {},
): Promise<ReviewsSubgraph> {
  return startStopping(async (stops) => {
    // Started first, so stopped last: scrapes see the whole shutdown.
    const metrics = stops.add("metrics server", await startMetricsServer({ config, log }));
    const store = stops.add("mongodb", given.store ?? connectMongo(config.MONGODB_URL, log));
    // Idempotent: a fresh database works without a separate migrate step (which production runs first).
    await ensureReviewsIndexes(store.db);
    const collections = reviewsCollections(store.db);
    const reviewRepository = new ReviewRepository(collections);
    const ratings = new RatingRepository(collections, reviewRepository);
    const catalogue = new CatalogueRepository(store.db);
    const purchases = new PurchaseRepository(collections);
    const broker = stops.add(
      "broker",
      connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log }),
    );
    const services: ReviewsServiceRegistry = {
      reviews: new ReviewService(reviewRepository, ratings, purchases, catalogue, new ReviewAnnouncer(broker, log)),
    };
    const consumed = { broker, db: store.db, log, queueOwner: queueOwner("reviews", config.EVENTS_QUEUE_NAMESPACE) };
    stops.add("catalogue consumer", await startCatalogueConsumer({ ...consumed, catalogue }));
    stops.add("purchase consumer", await startPurchaseConsumer({ ...consumed, reviews: services.reviews }));
    stops.add(
      "customer data consumer",
      await startMongoCustomerDataConsumer({
        ...consumed,
        service: "reviews",
        handlers: new CustomerDataService(reviewRepository, purchases),
      }),
    );

    const server = await startSubgraphServer<ReviewsContext>({
      service: "reviews",
      schema: await buildReviewsSchema(),
      config,
      log,
      verifier: given.verifier ?? createJwksVerifier(config.JWKS_URL),
      createContext: (base) => ({ ...base, services, loaders: createReviewLoaders(reviewRepository, ratings) }),
      readiness: { mongodb: store.ping, rabbitmq: broker.ping },
    });
    stops.add("server", server);
    return { server, metrics, services };
  });
}
