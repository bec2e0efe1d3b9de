import amqp from "amqp-connection-manager";
import type { ConfirmChannel, Options } from "amqplib";
import { counter } from "@cartograph/service-kit/metrics";
import type { Logger } from "pino";
import { isKnownEventType, type EventEnvelope } from "./catalogue";
import { publishTraced } from "./tracing";

export const DEFAULT_EXCHANGE = "cartograph.events";

const eventsPublished = counter({
  name: "cartograph_events_published_total",
  help: "Events published to the events exchange: `confirmed` by the broker, or `failed` (the outbox retries those).",
  labelNames: ["event_type", "outcome"],
});

export interface BrokerOptions {
  url: string;
  log: Logger;
  /** The topic exchange events are published to; tests pass a unique one. */
  exchange?: string;
  /** A publish not confirmed within this time fails (the relay records it and retries later). */
  publishTimeoutMs?: number;
  heartbeatIntervalInSeconds?: number;
}

/** A channel whose setup re-runs after every reconnect; closing it stops that. */
export interface BrokerChannel {
  close(): Promise<void>;
}

export interface Broker {
  readonly exchange: string;
  /** Publishes to the events exchange; resolves once the broker has confirmed the message. */
  publish(routingKey: string, content: Buffer, options?: Options.Publish): Promise<void>;
  /**
   * Publishes an envelope as a persistent JSON message routed by its type, in a PRODUCER span that
   * continues the event's trace (./tracing.ts); resolves once confirmed.
   */
  publishEvent(envelope: EventEnvelope): Promise<void>;
  /**
   * Opens a confirm channel and runs `setup` on it now and on every reconnect (declare topology,
   * start consuming). Resolves after the first setup completed.
   */
  openChannel(name: string, setup: (channel: ConfirmChannel) => Promise<void>): Promise<BrokerChannel>;
  isConnected(): boolean;
  /** For `/readyz`: resolves `true` when connected, rejects otherwise (readiness checks signal by rejecting). */
  ping(): Promise<true>;
  close(): Promise<void>;
}

/** Message properties shared by every event on the wire, whoever publishes it. */
export function eventMessageOptions(event: { id: string; type: string; occurredAt: Date | string }): Options.Publish {
  return {
    persistent: true,
    contentType: "application/json",
    messageId: event.id,
    type: event.type,
    // AMQP timestamps are whole seconds since the epoch.
    timestamp: Math.floor(new Date(event.occurredAt).getTime() / 1000),
  };
}

/**
 * Connects (and keeps reconnecting) to RabbitMQ. Returns at once: publishes wait for the
 * connection (up to `publishTimeoutMs`), so a service can start while the broker is down and
 * report it through `ping`.
 */
export function connectBroker({
  url,
  log,
  exchange = DEFAULT_EXCHANGE,
  publishTimeoutMs = 10_000,
  heartbeatIntervalInSeconds = 5,
}: BrokerOptions): Broker {
  const manager = amqp.connect([url], { heartbeatIntervalInSeconds, reconnectTimeInSeconds: 1 });
  let closing = false;
  manager.on("connect", () => log.info({ exchange }, "connected to RabbitMQ"));
  manager.on("disconnect", ({ err }) => {
    if (!closing) log.warn({ err }, "disconnected from RabbitMQ; reconnecting");
  });
  manager.on("connectFailed", ({ err }) => log.warn({ err }, "could not connect to RabbitMQ; retrying"));

  // amqp-connection-manager only replaces a channel when the whole connection reconnects, so a
  // channel the broker closed after setup (e.g. a 404 on a deleted exchange) would stay dead:
  // reconnect. Setup failures are left to the wrapper's 'error' event, or a bad topology
  // would make the connection flap.
  const prepare = async (name: string, channel: ConfirmChannel, setup?: (channel: ConfirmChannel) => Promise<void>) => {
    let ready = false;
    channel.on("error", (err: Error) => {
      if (closing || !ready) return;
      log.error({ err, channel: name }, "RabbitMQ closed a channel; reconnecting");
      manager.reconnect();
    });
    try {
      await channel.assertExchange(exchange, "topic", { durable: true });
      await setup?.(channel);
      ready = true;
    } catch (error) {
      if (!closing) throw error; // a setup cut short by close() is not worth an error
    }
  };

  const createChannel = (name: string, setup?: (channel: ConfirmChannel) => Promise<void>, publishTimeout?: number) => {
    const wrapper = manager.createChannel({
      name,
      confirm: true,
      ...(publishTimeout ? { publishTimeout } : {}),
      setup: (channel: ConfirmChannel) => prepare(name, channel, setup),
    });
    // Without a listener an 'error' event would crash the process.
    wrapper.on("error", (err: Error) => log.error({ err, channel: name }, "RabbitMQ channel setup failed"));
    return wrapper;
  };

  const publisher = createChannel("publisher", undefined, publishTimeoutMs);

  const publish = async (routingKey: string, content: Buffer, options?: Options.Publish) => {
    // The routing key is the event type; anything outside the catalogue is one label value.
    const eventType = isKnownEventType(routingKey) ? routingKey : "other";
    try {
      // With a confirm channel the promise settles on the broker's ack/nack.
      await publisher.publish(exchange, routingKey, content, options);
    } catch (error) {
      eventsPublished.inc({ event_type: eventType, outcome: "failed" });
      throw error;
    }
    eventsPublished.inc({ event_type: eventType, outcome: "confirmed" });
  };

  return {
    exchange,
    publish,
    publishEvent: (envelope) =>
      publishTraced(exchange, envelope, (body) =>
        publish(envelope.type, Buffer.from(JSON.stringify(body)), eventMessageOptions(envelope)),
      ),
    openChannel: async (name, setup) => {
      const wrapper = createChannel(name, setup);
      try {
        // The first setup must succeed (a topology mismatch is a bug to surface at startup).
        await new Promise<void>((resolve, reject) => {
          wrapper.once("error", reject);
          wrapper.waitForConnect().then(() => {
            wrapper.removeListener("error", reject);
            resolve();
          }, reject);
        });
      } catch (error) {
        await wrapper.close();
        throw error;
      }
      return { close: () => wrapper.close() };
    },
    isConnected: () => manager.isConnected(),
    ping: async () => {
      if (!manager.isConnected()) throw new Error("not connected to RabbitMQ");
      return true;
    },
    close: async () => {
      closing = true;
      try {
        await publisher.close();
        await manager.close();
      } catch (err) {
        // Closing while a reconnect is under way may find the connection already closing.
        log.debug({ err }, "RabbitMQ connection was already closing");
      }
    },
  };
}
