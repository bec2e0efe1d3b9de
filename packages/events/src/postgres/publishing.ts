import type { Logger, StopStack } from "@cartograph/service-kit";
import type pg from "pg";
import { connectBroker, type Broker } from "../broker";
import { startOutboxRelay } from "./relay";

/**
 * A PostgreSQL service's way onto the exchange: the broker connection and the relay that publishes
 * its outbox, registered on the service's stop stack (so the relay drains before the broker closes).
 */
export function startPublishing(
  stops: StopStack,
  { pool, config, log }: { pool: pg.Pool; config: { RABBITMQ_URL: string; EVENTS_EXCHANGE: string }; log: Logger },
): Broker {
  const broker = stops.add(
    "broker",
    connectBroker({ url: config.RABBITMQ_URL, exchange: config.EVENTS_EXCHANGE, log }),
  );
  stops.add("outbox relay", startOutboxRelay({ pool, broker, log }));
  return broker;
}
