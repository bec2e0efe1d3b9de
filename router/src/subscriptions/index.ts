import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { GraphQLDataSource } from "@apollo/gateway";
import type { ApolloServerPlugin } from "@apollo/server";
import { connectBroker, type Broker, type EventOf } from "@cartograph/events";
import { ErrorCode, queueOwner, serviceUnavailable, type Logger } from "@cartograph/service-kit";
import { scrapedGauge, type SourceRegistration } from "@cartograph/service-kit/metrics";
import { hasRole, Role, type AccessTokenVerifier } from "@cartograph/service-kit/auth";
import {
  GraphQLError,
  parse,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type ValidationRule,
} from "graphql";
import type { RouterConfig } from "../config";
import type { RouterContext } from "../context";
import { SupergraphExecutor } from "./executor";
import { EventFeed } from "./feed";
import { eventTopics, subscriptionFields, topicOf, type SubscriptionField } from "./fields";
import { prepareSubscription, type PreparedSubscription, type SubscribeRequest } from "./prepare";
import { EventStream, type Handled } from "./stream";
import { allowedOriginsOf } from "../origins";
import type { TrustedDocuments } from "../trusted-documents";
import { attachWebSocketServer, type RouterWebSocketServer } from "./ws-server";

export { EVENTS_SUBGRAPH, UnroutableEventsSource } from "./executor";
export { subscriptionFields, type SubscriptionField } from "./fields";

const websocketConnections = scrapedGauge({
  name: "cartograph_router_websocket_connections",
  help: "Open WebSocket connections (graphql-transport-ws on /graphql).",
});
const liveSubscriptions = scrapedGauge({
  name: "cartograph_router_subscriptions",
  help: "Live GraphQL subscriptions over WebSocket.",
});

export interface SubscriptionStats {
  connections: number;
  /** Live subscriptions in this process. */
  subscribers: number;
  /** This process's queue, and the event types bound to it right now. */
  queue: string;
  boundTypes: string[];
}

export interface RouterSubscriptionsOptions {
  config: RouterConfig;
  log: Logger;
  verifier: AccessTokenVerifier;
  validationRules: readonly ValidationRule[];
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Subscriptions name their document the way HTTP requests do. */
  trustedDocuments: TrustedDocuments;
  fields?: Readonly<Record<string, SubscriptionField>>;
}

/**
 * GraphQL subscriptions at the router (ARCHITECTURE.md, Subscriptions): a graphql-ws server on
 * `/graphql`, fed by RabbitMQ through one exclusive queue per process, each event resolved
 * through the supergraph's query plan with the subscriber's credentials.
 */
export class RouterSubscriptions {
  /** The data sources the gateway built, by subgraph name (server.ts's `buildService` fills it). */
  readonly dataSources = new Map<string, GraphQLDataSource<RouterContext>>();
  private executor: SupergraphExecutor | null = null;
  private broker: Broker | null = null;
  private feed: EventFeed | null = null;
  private readonly fields: Readonly<Record<string, SubscriptionField>>;
  private ws: RouterWebSocketServer | null = null;
  private measured: SourceRegistration[] = [];

  constructor(private readonly options: RouterSubscriptionsOptions) {
    this.fields = options.fields ?? subscriptionFields;
  }

  /** The gateway's `onSchemaLoadOrUpdate`: plan against the supergraph the gateway serves. */
  useSupergraph(supergraphSdl: string): void {
    this.executor = new SupergraphExecutor(supergraphSdl, this.dataSources);
  }

  /** Connects to RabbitMQ (in the background: HTTP is served while the broker is down) and accepts WebSockets. */
  listen(httpServer: http.Server, path: string): void {
    const { config, log } = this.options;
    this.broker = connectBroker({ url: config.RABBITMQ_URL, log, exchange: config.EVENTS_EXCHANGE });
    this.feed = new EventFeed({
      broker: this.broker,
      log,
      queueName: `${queueOwner("router", config.EVENTS_QUEUE_NAMESPACE)}.subscriptions.${randomUUID()}`,
      topicsOf: eventTopics(this.fields),
    });
    this.feed.start();
    this.ws = attachWebSocketServer({
      httpServer,
      path,
      log: this.options.log,
      verifier: this.options.verifier,
      formatError: this.options.formatError,
      subscribe: (request, context) => this.subscribe(request, context),
      allowedOrigin: allowedOriginsOf(config),
      limits: {
        maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
        connectionInitTimeoutMs: config.WS_CONNECTION_INIT_TIMEOUT_MS,
        maxSubscriptionsPerConnection: config.WS_MAX_SUBSCRIPTIONS_PER_CONNECTION,
        maxSubscriptionsPerUser: config.WS_MAX_SUBSCRIPTIONS_PER_USER,
        keepAliveMs: config.WS_KEEPALIVE_MS,
      },
    });
    this.measured = [
      websocketConnections.from(() => [{ labels: {}, value: this.stats().connections }]),
      liveSubscriptions.from(() => [{ labels: {}, value: this.stats().subscribers }]),
    ];
  }

  /** Shutdown, first step: every socket closed with 1001, before the HTTP drain. */
  async closeConnections(): Promise<void> {
    await this.ws?.close();
  }

  /** Shutdown, last step: the feed (its queue goes with it) and the broker connection. */
  async stop(): Promise<void> {
    await Promise.all(this.measured.splice(0).map((registration) => registration.stop()));
    await this.feed?.close();
    await this.broker?.close();
  }

  stats(): SubscriptionStats {
    return {
      connections: this.ws?.connections() ?? 0,
      queue: this.feed?.queueName ?? "",
      ...(this.feed?.stats() ?? { subscribers: 0, boundTypes: [] }),
    };
  }

  private async subscribe(request: SubscribeRequest, context: RouterContext): Promise<GraphQLError[] | ExecutionArgs> {
    const executor = this.executor;
    if (!executor || !this.feed) return [serviceUnavailable("The router is still starting. Try again shortly.")];
    if (context.accessToken) await this.options.verifier.verify(context.accessToken); // it may have expired since connect
    const { config, log } = this.options;
    const query = this.options.trustedDocuments.resolve(request) ?? request.query;
    const prepared = await prepareSubscription({ ...request, query }, context, {
      executor,
      fields: this.fields,
      validationRules: this.options.validationRules,
      maxTokens: config.MAX_TOKENS,
      hideSuggestions: config.NODE_ENV === "production",
      log,
    });
    if (Array.isArray(prepared)) return prepared;
    const stream = await this.openStream(this.feed, executor, prepared);
    context.log.debug({ field: prepared.fieldName, key: prepared.key }, "subscribed");
    return {
      schema: executor.apiSchema,
      document: prepared.plan.document,
      operationName: prepared.plan.operationName,
      variableValues: prepared.variables,
      contextValue: stream,
    };
  }

  private async openStream(
    feed: EventFeed,
    executor: SupergraphExecutor,
    prepared: PreparedSubscription,
  ): Promise<EventStream<EventOf, ExecutionResult>> {
    const { field, fieldName, context, plan, variables } = prepared;
    const admin = hasRole(context.viewer, Role.ADMIN);
    let lastDelivered: EventOf | null = null;
    const handle = async (event: EventOf): Promise<Handled<ExecutionResult>> => {
      if (lastDelivered && field.isStale?.(lastDelivered.data, event.data)) return { result: null };
      lastDelivered = event;
      if (field.ownerOf && !admin && field.ownerOf(event.data) !== context.viewer?.userId) {
        // Defence in depth: the authorization at subscribe time should make this impossible.
        context.log.warn({ eventId: event.id, field: fieldName }, "dropped an event that belongs to another user");
        return { result: null };
      }
      if (context.accessToken) {
        try {
          await this.options.verifier.verify(context.accessToken);
        } catch (error) {
          // An expired token ends the subscription: the client reconnects with a fresh one.
          return {
            result: { errors: [error instanceof GraphQLError ? error : new GraphQLError(String(error))] },
            last: true,
          };
        }
      }
      const execute = () =>
        executor.executeEvent(plan, { [fieldName]: field.payload(event.data) }, { variables, context });
      return { result: await retriedWhileUnavailable(execute, context.log) };
    };
    let unsubscribe: () => Promise<void> = async () => undefined;
    const stream = new EventStream<EventOf, ExecutionResult>(
      handle,
      () => unsubscribe(),
      () => ({ errors: [serviceUnavailable("This subscription fell too far behind and was ended. Subscribe again.")] }),
    );
    unsubscribe = await feed.subscribe(field.eventType, topicOf(fieldName, prepared.key), (event) =>
      stream.push(event),
    );
    if (field.initial) {
      // Best effort: without the initial state the subscriber still gets every later change.
      const initial = field.initial;
      const state = await Promise.resolve()
        .then(() =>
          executor.executeQuery({
            document: parse(initial.query),
            variables: initial.variables(prepared.key),
            context,
          }),
        )
        .catch((error: unknown) => ({ data: null, errors: [error] }));
      if (state.errors?.length)
        context.log.warn({ field: fieldName }, "could not read the initial state of a subscription");
      const data = state.data && !state.errors?.length ? initial.event(state.data) : null;
      if (data) {
        const now = new Date().toISOString();
        stream.push({
          id: `initial-${randomUUID()}`,
          type: field.eventType,
          occurredAt: now,
          aggregateId: prepared.key,
          version: 1,
          data,
        } as EventOf);
      }
    }
    return stream;
  }
}

/**
 * Waits before each new try of an event whose resolution found a subgraph unavailable. An event is
 * a fact already committed, often announced by a service that is itself just starting (its
 * consumers run before its HTTP server listens): a moment later the subgraph answers. Queries
 * only, so trying again is safe; events behind this one wait in order (EventStream).
 */
export const EVENT_RETRY_DELAYS_MS = [250, 1_000, 3_000] as const;

async function retriedWhileUnavailable(
  execute: () => Promise<ExecutionResult>,
  log: Logger,
  delaysMs: readonly number[] = EVENT_RETRY_DELAYS_MS,
): Promise<ExecutionResult> {
  let result = await execute();
  for (const delay of delaysMs) {
    const unavailable = result.errors?.some((error) => error.extensions?.code === ErrorCode.SERVICE_UNAVAILABLE);
    if (!unavailable) return result;
    log.debug({ delay }, "a subgraph was unavailable while resolving an event: trying again");
    await new Promise((resolve) => setTimeout(resolve, delay));
    result = await execute();
  }
  return result;
}

/** Apollo Server cannot run subscriptions over HTTP: say where they are instead of failing inside the gateway. */
export const subscriptionsOverHttpPlugin: ApolloServerPlugin<RouterContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== "subscription") return;
        throw new GraphQLError("Subscriptions are served over WebSocket (graphql-transport-ws) at this same URL.", {
          extensions: { code: "BAD_REQUEST", http: { status: 400 } },
        });
      },
    };
  },
};
