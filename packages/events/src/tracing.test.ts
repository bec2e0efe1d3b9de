import { randomUUID } from "node:crypto";
import {
  context,
  SpanKind,
  SpanStatusCode,
  startTracingInMemory,
  stopTracing,
  trace,
  type FinishedSpan,
} from "@cartograph/service-kit/telemetry";
import { newEnvelope, parseEnvelope, type EventEnvelope } from "./catalogue";
import { processTraced, publishTraced, recordFailure } from "./tracing";

const registered = (userId: string) =>
  newEnvelope({
    type: "user.registered",
    aggregateId: userId,
    data: { userId, email: "ada@example.com", name: "Ada" },
  });

/** What a consumer reads: the body as it went over the wire. */
const overTheWire = (body: unknown) => parseEnvelope(JSON.parse(JSON.stringify(body)));

describe("without tracing", () => {
  it("events carry no trace context and are published as they are", async () => {
    const envelope = registered("usr_1");
    expect(envelope).not.toHaveProperty("traceContext");
    const sent: unknown[] = [];
    await publishTraced("cartograph.events", envelope, async (body) => void sent.push(body));
    expect(sent).toEqual([envelope]);
    expect(sent[0]).toBe(envelope);
    expect(await processTraced(overTheWire(envelope), { exchange: "x", queue: "q" }, async () => "done")).toBe("done");
  });
});

describe("an event's trace across the outbox and the broker", () => {
  let memory: ReturnType<typeof startTracingInMemory>;
  beforeAll(() => {
    memory = startTracingInMemory();
  });
  afterAll(() => stopTracing());
  const tracer = () => trace.getTracer("test");
  const spanNamed = (name: string): FinishedSpan => {
    const found = memory.spans().filter((span) => span.name === name);
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it("created in a request, published later, processed: one trace, producer under the request, consumer under the producer", async () => {
    const request = tracer().startSpan("POST /graphql");
    const envelope = context.with(trace.setSpan(context.active(), request), () => registered("usr_2"));
    request.end();
    const { traceId, spanId: requestId } = request.spanContext();
    // At rest (the outbox row) it names the span it was created in.
    expect(envelope.traceContext).toEqual({ traceparent: `00-${traceId}-${requestId}-01` });

    // The relay publishes it later, outside the request.
    const sent: EventEnvelope[] = [];
    await publishTraced("cartograph.events", envelope, async (body) => void sent.push(body));
    const producer = spanNamed("publish user.registered");
    expect(producer).toMatchObject({ kind: SpanKind.PRODUCER, traceId, parentSpanId: requestId });
    expect(producer.attributes).toMatchObject({
      "messaging.system.name": "rabbitmq",
      "messaging.operation.type": "send",
      "messaging.destination.name": "cartograph.events",
      "rabbitmq.destination.routing_key": "user.registered",
      "messaging.message.id": envelope.id,
    });
    // On the wire it names the producer span, and nothing else changed.
    const received = overTheWire(sent[0]);
    expect(received).toEqual({ ...envelope, traceContext: { traceparent: `00-${traceId}-${producer.spanId}-01` } });

    // A consumer processes it, and announces what it did.
    let announced: EventEnvelope | undefined;
    await processTraced(received, { exchange: "cartograph.events", queue: "orders.checkout", attempt: 2 }, async () => {
      await new Promise((resolve) => setImmediate(resolve)); // still in the span after an await
      announced = registered("usr_3");
    });
    const consumer = spanNamed("process user.registered");
    expect(consumer).toMatchObject({ kind: SpanKind.CONSUMER, traceId, parentSpanId: producer.spanId });
    expect(consumer.attributes).toMatchObject({
      "messaging.operation.type": "process",
      "messaging.consumer.group.name": "orders.checkout",
      "cartograph.event.attempt": 2,
    });
    expect(announced?.traceContext).toEqual({ traceparent: `00-${traceId}-${consumer.spanId}-01` });
  });

  it("an envelope from before trace contexts is processed in a trace of its own", async () => {
    const { traceContext: _none, ...older } = registered("usr_4");
    const event = overTheWire({ ...older, id: randomUUID() });
    expect(event).not.toHaveProperty("traceContext");
    await processTraced(event, { exchange: "x", queue: "old.queue" }, () => undefined);
    const consumer = memory.spans().find((span) => span.attributes["messaging.consumer.group.name"] === "old.queue");
    expect(consumer).toMatchObject({ kind: SpanKind.CONSUMER, parentSpanId: undefined });
  });

  it("a trace context that does not parse costs the event its place in a trace, never its delivery", () => {
    const event = overTheWire({ ...registered("usr_5"), traceContext: { traceparent: 42 } });
    expect(event.type).toBe("user.registered");
    expect(event).not.toHaveProperty("traceContext");
  });

  it("a failed handling marks the consumer span, whether it throws or is retried", async () => {
    const failing = overTheWire(registered("usr_6"));
    await expect(
      processTraced(failing, { exchange: "x", queue: "throws" }, async () => {
        throw new Error("database on fire");
      }),
    ).rejects.toThrow("database on fire");
    processTraced(failing, { exchange: "x", queue: "retried" }, () => recordFailure(new Error("try again")));
    for (const queue of ["throws", "retried"]) {
      const span = memory.spans().find((s) => s.attributes["messaging.consumer.group.name"] === queue);
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    }
  });
});
