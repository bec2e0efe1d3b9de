import {
  context,
  SpanKind,
  SpanStatusCode,
  startTracingInMemory,
  stopTracing,
  trace,
  type FinishedSpan,
} from "@cartograph/service-kit/telemetry";
import { uniqueTopologyName } from "@cartograph/test-datastores";
import { queueNames, startConsumer, type EventEnvelope } from "../src";
import { enqueueEvent, postgresIdempotencyStore, startOutboxRelay } from "../src/postgres";
import { createTestbed, log, waitFor, type EventsTestbed } from "./harness";

/**
 * The real path of an event (outbox, relay, RabbitMQ, consumer with its inbox) keeps it in the
 * trace of the request that made it, through a retry, and passes the trace on to what it causes.
 */
describe("a traced event through the outbox, the relay, RabbitMQ and a consumer", () => {
  let bed: EventsTestbed;
  let memory: ReturnType<typeof startTracingInMemory>;

  beforeAll(() => {
    memory = startTracingInMemory();
  });
  afterAll(() => stopTracing());
  beforeEach(async () => {
    bed = await createTestbed("tracing");
  });
  afterEach(() => bed.cleanup());

  it("is published under the request, processed under its publication (each attempt), and continues the trace", async () => {
    const service = uniqueTopologyName("svc");
    const names = queueNames(service, "traced");
    bed.inspector.forget(names.queue, names.retry, names.dlq);
    const announced: EventEnvelope[] = [];
    const consumer = await startConsumer({
      broker: bed.broker,
      store: postgresIdempotencyStore(bed.db),
      log,
      service,
      purpose: "traced",
      eventTypes: ["user.registered"],
      retryDelaysMs: [50],
      handle: async (event, tx, { attempt }) => {
        if (attempt === 1) throw new Error("not yet");
        announced.push(
          await enqueueEvent(tx, {
            type: "order.refunded",
            aggregateId: "ord_1",
            data: { orderId: "ord_1", userId: event.data.userId },
          }),
        );
      },
    });
    const relay = startOutboxRelay({ pool: bed.pool, broker: bed.broker, log });
    bed.onCleanup(() => relay.stop());
    bed.onCleanup(() => consumer.stop());

    const request = trace.getTracer("test").startSpan("POST /graphql", { kind: SpanKind.SERVER });
    const enqueued = await context.with(trace.setSpan(context.active(), request), () =>
      bed.db.transaction((tx) =>
        enqueueEvent(tx, {
          type: "user.registered",
          aggregateId: "usr_1",
          data: { userId: "usr_1", email: "usr_1@example.com", name: "usr_1" },
        }),
      ),
    );
    request.end();
    const { traceId, spanId: requestSpanId } = request.spanContext();
    expect(enqueued.traceContext?.traceparent).toBe(`00-${traceId}-${requestSpanId}-01`);

    const published = (type: string) =>
      memory.spans().find((span) => span.name === `publish ${type}` && span.traceId === traceId);
    // What the handler announced, published by the relay in turn.
    const next = await waitFor(() => published("order.refunded"), { what: "the announced event's publication" });

    const inTrace = memory.spans().filter((span) => span.traceId === traceId);
    const first = published("user.registered")!;
    expect(first).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanId: requestSpanId });
    const processing = inTrace.filter((span) => span.name === "process user.registered");
    const attemptOf = (span: FinishedSpan) => span.attributes["cartograph.event.attempt"];
    expect(processing.map((span) => [attemptOf(span), span.kind, span.parentSpanId, span.status.code])).toEqual([
      [1, SpanKind.CONSUMER, first.spanId, SpanStatusCode.ERROR],
      [2, SpanKind.CONSUMER, first.spanId, SpanStatusCode.UNSET],
    ]);
    const applied = processing[1]!;
    expect(announced[0]?.traceContext?.traceparent).toBe(`00-${traceId}-${applied.spanId}-01`);
    expect(next).toMatchObject({ kind: SpanKind.PRODUCER, parentSpanId: applied.spanId });
  });
});
