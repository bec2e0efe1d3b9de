import path from "node:path";
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
import type { ReviewsConfig } from "./config";
import type { ReviewsContext, ReviewsServices } from "./context";
import { ensureReviewsIndexes, reviewsCollections } from "./db";
import { startPurchaseConsumer } from "./purchase/purchase.events";
import { PurchaseRepository } from "./purchase/purchase.repository";
import { RatingRepository } from "./rating/rating.repository";
import { createReviewLoaders } from "./review/review.loaders";
import { ReviewRepository } from "./review/review.repository";
import { ReviewService } from "./review/review.service";
import { buildReviewsSchema } from "./schema";

export const REVIEWS_SERVICE_DIR = path.resolve(__dirname, "..");

export interface ReviewsService {
  server: RunningServer;
  services: ReviewsServices;
  stop: () => Promise<void>;
}

export interface ReviewsDependencies {
  store?: MongoStore;
  verifier?: AccessTokenVerifier;
}

/** Wires the reviews subgraph: MongoDB, the purchase and catalogue consumers, the HTTP server. */
export async function startReviewsService(
  config: ReviewsConfig,
  log: Logger,
  {
    store = connectMongo(config.MONGODB_URL, log),
    verifier = createJwksVerifier(config.JWKS_URL),
  }: ReviewsDependencies = {},
): Promise<ReviewsService> {
  // Idempotent: a fresh database works without a separate migrate step (which production runs first).
  await ensureReviewsIndexes(store.db);
  const collections = reviewsCollections(store.db);
  const reviewRepository = new ReviewRepository(collections);
  const ratings = new RatingRepository(collections, reviewRepository);
  const products = new ProductActivity(store.db);
  const services: ReviewsServices = {
    reviews: new ReviewService(reviewRepository, ratings, new PurchaseRepository(collections), products),
  };

  const broker = connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log });
  const owner = queueOwner("reviews", config.EVENTS_QUEUE_NAMESPACE);
  const consumers = [
    await startProductActivityConsumer({ broker, db: store.db, log, queueOwner: owner, activity: products }),
    await startPurchaseConsumer({ broker, db: store.db, log, queueOwner: owner, reviews: services.reviews }),
  ];

  const server = await startSubgraphServer<ReviewsContext>({
    service: "reviews",
    schema: await buildReviewsSchema(),
    host: config.HOST,
    port: config.PORT,
    routerSecret: config.ROUTER_SECRET,
    log,
    verifier,
    createContext: (base) => ({ ...base, services, loaders: createReviewLoaders(reviewRepository, ratings) }),
    readiness: { mongodb: store.ping, rabbitmq: broker.ping },
  });

  return {
    server,
    services,
    stop: async () => {
      await server.stop();
      for (const consumer of consumers) await consumer.stop();
      await broker.close();
      await store.close();
    },
  };
}
