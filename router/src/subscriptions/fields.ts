import type { EventData, EventOf, EventType } from "@cartograph/events";

/**
 * How one root field of the router's events graph (router/events.graphql) is fed from RabbitMQ.
 * Adding a subscription = a field in events.graphql + one entry in `subscriptionFields`.
 */
export interface SubscriptionField<T extends EventType = EventType> {
  /** The event (= routing key) whose every occurrence may be pushed. */
  eventType: T;
  /**
   * What the subscriber follows: the value of a field argument (`{ argument: "orderId" }`), or
   * `"viewer"`, the subscriber's own user id (a field without arguments: their own notifications).
   * A `"viewer"` key needs a signed-in subscriber.
   */
  key: { argument: string } | "viewer";
  /** The same key, read from an event: only events whose key equals the argument are delivered. */
  keyOf(data: EventData<T>): string;
  /**
   * The user an event belongs to. Set: only that user or an admin receives it (checked on every
   * event, on top of `authorize`), and anonymous connections cannot subscribe.
   */
  ownerOf?(data: EventData<T>): string;
  /**
   * Run through the supergraph with the subscriber's token at subscribe time: the subscriber may
   * follow the key when `field` comes back non-null. Null, or FORBIDDEN from the owning
   * subgraph, is FORBIDDEN; so the owning subgraph's rules decide, not a copy of them here.
   */
  authorize?: {
    query: string;
    field: string;
    variables(key: string): Record<string, unknown>;
    forbiddenMessage: string;
  };
  /**
   * The root field's value, shaped as the events graph declares it: entities as
   * `{ __typename, key }` only; the query plan resolves the rest from the subgraphs owning them.
   */
  payload(data: EventData<T>): Record<string, unknown>;
  /**
   * The state right now, pushed first: a client subscribes after the thing it follows exists
   * (after `checkout` returns), so changes made in between would otherwise be lost. Queried with
   * the subscriber's token once the feed is already listening, so nothing falls in the gap.
   */
  initial?: {
    query: string;
    variables(key: string): Record<string, unknown>;
    event(data: Record<string, unknown>): EventData<T> | null;
  };
  /**
   * True when `next` says nothing newer than what was delivered (the initial state, then the
   * change event it already reflects, or an event the outbox relay sent late): it is dropped.
   */
  isStale?(delivered: EventData<T>, next: EventData<T>): boolean;
}

const defineField = <T extends EventType>(field: SubscriptionField<T>): SubscriptionField =>
  field as unknown as SubscriptionField;

/** Subscription root field name -> how it is served. */
export const subscriptionFields: Readonly<Record<string, SubscriptionField>> = {
  orderStatusChanged: defineField({
    eventType: "order.status_changed",
    key: { argument: "orderId" },
    keyOf: (data) => data.orderId,
    ownerOf: (data) => data.userId,
    authorize: {
      query: "query SubscriptionAuthorization($id: ID!) { order(id: $id) { id } }",
      field: "order",
      variables: (id) => ({ id }),
      forbiddenMessage: "You can only follow your own orders.",
    },
    initial: {
      query:
        "query SubscriptionInitialState($id: ID!) { order(id: $id) { id status customer { id } statusHistory { status reason at } } }",
      variables: (id) => ({ id }),
      event: (data) => {
        const order = data.order as {
          id: string;
          status: string;
          customer: { id: string };
          statusHistory: Array<{ status: string; reason: string | null; at: string }>;
        } | null;
        if (!order) return null;
        const [previous, last] = [order.statusHistory.at(-2), order.statusHistory.at(-1)];
        return {
          orderId: order.id,
          userId: order.customer.id,
          status: order.status as EventData<"order.status_changed">["status"],
          previousStatus: (previous?.status ?? null) as EventData<"order.status_changed">["previousStatus"],
          reason: last?.reason ?? null,
          at: last?.at ?? new Date().toISOString(),
        };
      },
    },
    isStale: (delivered, next) => {
      const [was, is] = [Date.parse(delivered.at), Date.parse(next.at)];
      return is < was || (is === was && next.status === delivered.status);
    },
    payload: (data) => ({
      orderId: data.orderId,
      status: data.status,
      previousStatus: data.previousStatus,
      reason: data.reason,
      at: data.at,
      order: { __typename: "Order", id: data.orderId },
    }),
  }),
  notificationAdded: defineField({
    eventType: "notification.added",
    key: "viewer",
    keyOf: (data) => data.userId,
    ownerOf: (data) => data.userId,
    payload: (data) => ({ __typename: "Notification", id: data.notificationId }),
  }),
};

/** A subscriber's topic in the feed: one per field and key. */
export const topicOf = (fieldName: string, key: string): string => `${fieldName}\u0000${key}`;

/** The topics an event is delivered to: one per field fed by its type. */
export function eventTopics(fields: Readonly<Record<string, SubscriptionField>>): (event: EventOf) => string[] {
  const byType = new Map<string, Array<[string, SubscriptionField]>>();
  for (const [name, field] of Object.entries(fields))
    byType.set(field.eventType, [...(byType.get(field.eventType) ?? []), [name, field]]);
  return (event) => (byType.get(event.type) ?? []).map(([name, field]) => topicOf(name, field.keyOf(event.data)));
}
