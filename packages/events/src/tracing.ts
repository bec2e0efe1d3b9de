import {
  captureTraceContext,
  context,
  contextFrom,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type TraceContext,
} from "@cartograph/service-kit/telemetry";

// How one saga stays one trace across the outbox and the broker: an event records the trace
// context it was created in (`newEnvelope`, inside the request or consumer span that made it);
// whoever publishes it later (the relay, long after the request) opens a PRODUCER span parented
// by that context and sends, in the envelope, the producer span's own context; each consumer
// processes the event in a CONSUMER span that is the producer's child. All of it is a no-op
// while tracing is off. Messaging semantic conventions (1.45; incubating, so the names are
// copied here rather than imported, as that package advises).
const MESSAGING_SYSTEM = "messaging.system.name";
const MESSAGING_OPERATION_TYPE = "messaging.operation.type";
const MESSAGING_OPERATION_NAME = "messaging.operation.name";
const MESSAGING_DESTINATION_NAME = "messaging.destination.name";
const MESSAGING_CONSUMER_GROUP = "messaging.consumer.group.name";
const MESSAGING_MESSAGE_ID = "messaging.message.id";
const RABBITMQ_ROUTING_KEY = "rabbitmq.destination.routing_key";
/** Ours: which attempt this processing is (retries process the same message again). */
const EVENT_ATTEMPT = "cartograph.event.attempt";

/** The part of an envelope tracing reads (the relay's rows are stored envelopes, not re-validated). */
export interface TracedEnvelope {
  id: string;
  type: string;
  traceContext?: TraceContext | undefined;
}

const tracer = () => trace.getTracer("@cartograph/events");

function failed(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}

/**
 * Publishes `envelope` (by `send`, with its body) in a PRODUCER span, `publish <type>`, whose
 * parent is the context the event was created in; the body sent carries the producer span's
 * context, so the consumers' spans are its children.
 */
export async function publishTraced<E extends TracedEnvelope>(
  exchange: string,
  envelope: E,
  send: (body: E) => Promise<void>,
): Promise<void> {
  const parent = contextFrom(envelope.traceContext);
  const span = tracer().startSpan(
    `publish ${envelope.type}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        [MESSAGING_SYSTEM]: "rabbitmq",
        [MESSAGING_OPERATION_TYPE]: "send",
        [MESSAGING_OPERATION_NAME]: "publish",
        [MESSAGING_DESTINATION_NAME]: exchange,
        [RABBITMQ_ROUTING_KEY]: envelope.type,
        [MESSAGING_MESSAGE_ID]: envelope.id,
      },
    },
    parent,
  );
  const traceContext = span.isRecording() ? captureTraceContext(trace.setSpan(parent, span)) : undefined;
  try {
    await send(traceContext ? { ...envelope, traceContext } : envelope);
  } catch (error) {
    failed(span, error);
    throw error;
  } finally {
    span.end();
  }
}

/** Marks the active span (a consumer's) as failed, for an error handled without rethrowing (a retry). */
export function recordFailure(error: unknown): void {
  const span = trace.getActiveSpan();
  if (span) failed(span, error);
}

/** Where a consumer took an event from. */
export interface Consumption {
  exchange: string;
  queue: string;
  /** 1 on the first delivery, counting retries. */
  attempt?: number;
}

/**
 * Runs `work` (the processing of one event) in a CONSUMER span, `process <type>`, the child of
 * the span that published the event (a new trace when it carries none: an older envelope, or a
 * producer without tracing). Whatever `work` does, logs and publishes belongs to that span.
 */
export function processTraced<R>(event: TracedEnvelope, where: Consumption, work: () => R): R {
  const attributes: Attributes = {
    [MESSAGING_SYSTEM]: "rabbitmq",
    [MESSAGING_OPERATION_TYPE]: "process",
    [MESSAGING_OPERATION_NAME]: "process",
    [MESSAGING_DESTINATION_NAME]: where.exchange,
    [RABBITMQ_ROUTING_KEY]: event.type,
    [MESSAGING_CONSUMER_GROUP]: where.queue,
    [MESSAGING_MESSAGE_ID]: event.id,
    ...(where.attempt === undefined ? {} : { [EVENT_ATTEMPT]: where.attempt }),
  };
  const parent = contextFrom(event.traceContext);
  const span = tracer().startSpan(`process ${event.type}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  let result: R;
  try {
    result = context.with(trace.setSpan(parent, span), work);
  } catch (error) {
    failed(span, error);
    span.end();
    throw error;
  }
  if (!(result instanceof Promise)) {
    span.end();
    return result;
  }
  return result.then(
    (value: unknown) => {
      span.end();
      return value;
    },
    (error: unknown) => {
      failed(span, error);
      span.end();
      throw error;
    },
  ) as R;
}
