import {
  parseEnvelope,
  processTraced,
  type Broker,
  type BrokerChannel,
  type EventOf,
  type EventType,
} from "@cartograph/events";
import { serviceUnavailable, type Logger } from "@cartograph/service-kit";

type Channel = Parameters<Parameters<Broker["openChannel"]>[1]>[0];
type Message = Parameters<Parameters<Channel["consume"]>[1]>[0];
export type FeedListener = (event: EventOf) => void;

export interface EventFeedOptions {
  broker: Broker;
  log: Logger;
  /** This router process's queue: exclusive and auto-delete, so it lives and dies with us. */
  queueName: string;
  /** The topics (field + key) an event is delivered to. */
  topicsOf: (event: EventOf) => string[];
  prefetch?: number;
  /** How long a subscriber waits for the broker (startup, reconnects) before SERVICE_UNAVAILABLE. */
  connectTimeoutMs?: number;
}

/**
 * The router's view of the events exchange for its subscribers. One exclusive, auto-delete
 * queue per process, bound to an event type only while someone subscribes to it: the first
 * subscriber binds (declaring the queue and consuming), the last one unbinds (and cancels the
 * consumer, so RabbitMQ deletes the queue). Events fan out in-process to the listeners of their
 * topic. Topology changes run one at a time and always converge on the current subscribers, so
 * the setup that re-runs after a reconnect simply converges again.
 */
export class EventFeed {
  readonly queueName: string;
  private readonly listeners = new Map<EventType, Map<string, Set<FeedListener>>>();
  private channel: Channel | null = null;
  private consumerTag: string | null = null;
  private readonly bound = new Set<EventType>();
  private changes: Promise<void> = Promise.resolve();
  private opened: Promise<BrokerChannel | null> | null = null;
  private closed = false;
  /** Listeners whose binding is confirmed (what `stats` reports as subscribers). */
  private live = 0;
  private channelWaiters: Array<(channel: Channel | null) => void> = [];

  constructor(private readonly options: EventFeedOptions) {
    this.queueName = options.queueName;
  }

  /** Opens the channel in the background: the router starts (and serves HTTP) while the broker is down. */
  start(): void {
    this.opened = this.options.broker
      .openChannel("router.subscriptions", (channel) => this.setup(channel))
      .catch((err: unknown) => {
        this.options.log.error({ err }, "could not open the subscriptions channel; subscriptions are unavailable");
        return null;
      });
  }

  /**
   * Adds a listener; resolves once the queue is bound to `type`, so no event published from then
   * on is missed. Returns the function that removes the listener (and unbinds after the last).
   */
  async subscribe(type: EventType, topic: string, listener: FeedListener): Promise<() => Promise<void>> {
    if (this.closed) throw serviceUnavailable("The router is shutting down. Subscribe again shortly.");
    const byTopic = this.listeners.get(type) ?? new Map<string, Set<FeedListener>>();
    this.listeners.set(type, byTopic);
    const set = byTopic.get(topic) ?? new Set<FeedListener>();
    byTopic.set(topic, set);
    set.add(listener);
    let removed = false;
    let confirmed = false;
    const unsubscribe = async () => {
      if (removed) return;
      removed = true;
      if (confirmed) this.live -= 1;
      set.delete(listener);
      if (set.size === 0 && byTopic.get(topic) === set) byTopic.delete(topic);
      if (byTopic.size === 0 && this.listeners.get(type) === byTopic) this.listeners.delete(type);
      await this.converge().catch((err: unknown) =>
        this.options.log.warn({ err, type }, "could not unbind the subscriptions queue"),
      );
    };
    try {
      await this.converge();
    } catch (err) {
      this.options.log.warn({ err, type }, "could not bind the subscriptions queue");
      await unsubscribe();
      throw serviceUnavailable("Live updates are unavailable right now. Try again shortly.");
    }
    if (!removed) {
      confirmed = true;
      this.live += 1;
    }
    return unsubscribe;
  }

  /** Subscribers whose binding is in place, and the event types the queue is bound to. */
  stats(): { subscribers: number; boundTypes: EventType[] } {
    return { subscribers: this.live, boundTypes: [...this.bound] };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    for (const wake of this.channelWaiters.splice(0)) wake(null);
    await this.changes;
    const wrapper = await this.opened;
    await wrapper
      ?.close()
      .catch((err: unknown) => this.options.log.debug({ err }, "subscriptions channel was already closed"));
  }

  private async setup(channel: Channel): Promise<void> {
    this.channel = channel;
    for (const wake of this.channelWaiters.splice(0)) wake(channel);
    // A new channel has no consumer and, after a lost connection, no queue: converge from scratch.
    this.consumerTag = null;
    this.bound.clear();
    channel.on("close", () => {
      if (this.channel === channel) this.channel = null;
    });
    await this.converge();
  }

  /** Queues a topology change that brings the broker in line with the current subscribers. */
  private converge(): Promise<void> {
    const next = this.changes.then(() => this.applyChanges());
    this.changes = next.catch(() => undefined);
    return next;
  }

  private async applyChanges(): Promise<void> {
    const wanted = this.closed ? new Set<EventType>() : new Set(this.listeners.keys());
    const unchanged = [...wanted].every((type) => this.bound.has(type)) && this.bound.size === wanted.size;
    if (unchanged && wanted.size > 0 === (this.consumerTag !== null)) return;
    const channel = this.channel ?? (await this.channelWithin(this.options.connectTimeoutMs ?? 5_000));
    if (!channel) throw new Error("not connected to RabbitMQ");
    const { exchange } = this.options.broker;
    if (wanted.size > 0 && this.consumerTag === null) {
      await channel.assertQueue(this.queueName, { exclusive: true, autoDelete: true, durable: false });
      await channel.prefetch(this.options.prefetch ?? 256);
      const { consumerTag } = await channel.consume(this.queueName, (message) => this.deliver(channel, message), {
        noAck: false,
      });
      this.consumerTag = consumerTag;
    }
    for (const type of wanted) {
      if (this.bound.has(type)) continue;
      await channel.bindQueue(this.queueName, exchange, type);
      this.bound.add(type);
      this.options.log.debug({ type, queue: this.queueName }, "bound the subscriptions queue");
    }
    for (const type of [...this.bound]) {
      if (wanted.has(type)) continue;
      await channel.unbindQueue(this.queueName, exchange, type);
      this.bound.delete(type);
      this.options.log.debug({ type, queue: this.queueName }, "unbound the subscriptions queue");
    }
    if (wanted.size === 0 && this.consumerTag !== null) {
      // The last consumer gone, RabbitMQ deletes the auto-delete queue with whatever it held.
      await channel.cancel(this.consumerTag);
      this.consumerTag = null;
    }
  }

  /** The channel once (re)connected, or null after `timeoutMs` (right after start, during a reconnect). */
  private channelWithin(timeoutMs: number): Promise<Channel | null> {
    return new Promise((resolve) => {
      const wake = (channel: Channel | null) => {
        clearTimeout(timer);
        resolve(channel);
      };
      const timer = setTimeout(() => {
        this.channelWaiters = this.channelWaiters.filter((waiter) => waiter !== wake);
        resolve(null);
      }, timeoutMs);
      this.channelWaiters.push(wake);
    });
  }

  private deliver(channel: Channel, message: Message): void {
    if (!message) {
      // The broker cancelled our consumer (queue deleted from outside): declare it again.
      this.consumerTag = null;
      this.bound.clear();
      void this.converge().catch((err: unknown) =>
        this.options.log.error({ err }, "could not restore the subscriptions queue"),
      );
      return;
    }
    try {
      const event = parseEnvelope(JSON.parse(message.content.toString("utf8")));
      // In the event's CONSUMER span: each subscriber's stream resolves the event in it (stream.ts),
      // so the push and its subgraph fetches join the trace of the change that caused it.
      processTraced(event, { exchange: this.options.broker.exchange, queue: this.queueName }, () => {
        const byTopic = this.listeners.get(event.type);
        for (const topic of byTopic ? this.options.topicsOf(event) : []) {
          for (const listener of byTopic?.get(topic) ?? []) {
            try {
              listener(event);
            } catch (err) {
              this.options.log.error({ err, eventId: event.id }, "a subscriber failed to take an event");
            }
          }
        }
      });
    } catch (err) {
      // Live updates are best effort and this queue is ours alone: log the bad message, drop it.
      this.options.log.warn({ err, routingKey: message.fields.routingKey }, "dropped an invalid event");
    }
    try {
      channel.ack(message);
    } catch (err) {
      this.options.log.debug({ err }, "could not ack an event (channel closed)");
    }
  }
}
