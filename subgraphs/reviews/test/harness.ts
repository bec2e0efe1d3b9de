import "reflect-metadata";
import { connectBroker, type Broker, type EventEnvelope } from "@cartograph/events";
import { createLogger, parseConfig, queueOwner } from "@cartograph/service-kit";
import { callSubgraph, deleteQueues, RABBITMQ_URL, startMongoSubgraphHarness, waitFor, type MongoSubgraphHarness } from "@cartograph/testing";
import { startReviewsService, type ReviewsService } from "../src/app";
import { reviewsEnvSchema, type ReviewsConfig } from "../src/config";

export type ReviewsHarness = MongoSubgraphHarness<ReviewsConfig, ReviewsService> & {
  /** Publishes on the harness's own exchange, as products and orders would. */
  broker: Broker;
  /** Publishes and waits until the service has applied it (its inbox holds the event). */
  deliver: (event: EventEnvelope) => Promise<void>;
  gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null) => ReturnType<typeof callSubgraph<T>>;
};

export async function startReviewsHarness(): Promise<ReviewsHarness> {
  const harness = await startMongoSubgraphHarness({
    label: "reviews",
    parseConfig: (values) => parseConfig(reviewsEnvSchema, values),
    start: (config, log, dependencies) => startReviewsService(config, log, dependencies),
  });
  const broker = connectBroker({ url: RABBITMQ_URL, exchange: harness.config.EVENTS_EXCHANGE, log: createLogger("reviews-test-broker", "silent") });
  const processed = harness.store.db.collection<{ _id: string; eventId: string }>("processed_events");
  return {
    ...harness,
    broker,
    deliver: async (event) => {
      await broker.publishEvent(event);
      await waitFor(() => processed.findOne({ eventId: event.id }).then((row) => row ?? undefined), { what: `${event.type} ${event.id} to be applied` });
    },
    gql: (query, variables = {}, token = null) => callSubgraph(harness.url, query, variables, { accessToken: token }),
    close: async () => {
      await broker.close();
      await harness.close();
      await deleteQueues(queueOwner("reviews", harness.config.EVENTS_QUEUE_NAMESPACE), ["catalogue", "purchases"]);
    },
  };
}
