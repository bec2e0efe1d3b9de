// The OpenTelemetry SDK itself, loaded by `startTracing` only when tracing is on (see ./index.ts).
import type { IncomingMessage } from "node:http";
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { diagLogLevelFromString } from "@opentelemetry/core";
import { ExpressInstrumentation, ExpressLayerType } from "@opentelemetry/instrumentation-express";
import { GraphQLInstrumentation } from "@opentelemetry/instrumentation-graphql";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { MongoDBInstrumentation } from "@opentelemetry/instrumentation-mongodb";
import { PgInstrumentation } from "@opentelemetry/instrumentation-pg";
import { UndiciInstrumentation } from "@opentelemetry/instrumentation-undici";
import { NodeSDK } from "@opentelemetry/sdk-node";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace";
import { createLogger, type Logger } from "../logger";

/** What the running SDK offers the process: flushing and shutting down on stop. */
export interface RunningTracing {
  shutdown(): Promise<void>;
}

/** A span as an in-memory test sees it. */
export interface FinishedSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Readonly<Record<string, unknown>>;
  status: { code: number; message?: string | undefined };
}

/** Probes and scrapes: polled every few seconds, each would be a trace of its own. */
const UNTRACED_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

function untraced(request: IncomingMessage): boolean {
  const url = request.url ?? "";
  const query = url.indexOf("?");
  return UNTRACED_PATHS.has(query === -1 ? url : url.slice(0, query));
}

/**
 * What is instrumented, and how much. RabbitMQ is not here on purpose: amqplib's instrumentation
 * would parent a publish on whatever context amqp-connection-manager's publishing loop happens to
 * run in, and the outbox relay publishes long after the request that made the event. Events carry
 * their trace context in the envelope instead, and @cartograph/events makes the producer and
 * consumer spans (packages/events/src/tracing.ts).
 */
function instrumentations() {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: untraced }),
    // The router's subgraph fetches (an undici Pool): a client span each, carrying `traceparent`.
    new UndiciInstrumentation(),
    // Route handlers only: a span per middleware would outnumber the spans worth reading.
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER] }),
    // Parse, validate and execute; no span per resolved field (type-graphql makes every field a resolver).
    new GraphQLInstrumentation({ ignoreResolveSpans: true, mergeItems: true }),
    // Queries outside any request or event (the relay's poll, LISTEN, the sweeper) are not traced.
    new PgInstrumentation({ requireParentSpan: true }),
    new MongoDBInstrumentation({ requireParentSpan: true }),
  ];
}

/** The SDK's own warnings (an unreachable collector, dropped spans) as JSON log lines like any other. */
function diagThroughPino(log: Logger): DiagLogger {
  const write =
    (level: "error" | "warn" | "info" | "debug" | "trace") =>
    (message: string, ...args: unknown[]) =>
      log[level](args.length > 0 ? { details: args.map(String) } : {}, message);
  return {
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
    debug: write("debug"),
    verbose: write("trace"),
  };
}

export function startTracingSdk({ service, serviceName }: { service: string; serviceName: string }): RunningTracing {
  const sdk = new NodeSDK({
    serviceName,
    // Traces only: metrics are Prometheus' (/metrics), logs are the JSON lines on stdout. The
    // exporter, sampler and batching come from the standard OTEL_* variables.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: instrumentations(),
  });
  // After the SDK (which would install a console logger for OTEL_LOG_LEVEL): ours writes JSON.
  const logLevel = process.env.OTEL_LOG_LEVEL ? diagLogLevelFromString(process.env.OTEL_LOG_LEVEL) : undefined;
  diag.setLogger(diagThroughPino(createLogger(service).child({ component: "opentelemetry" })), {
    logLevel: logLevel ?? DiagLogLevel.WARN,
    suppressOverrideMessage: true,
  });
  sdk.start();
  return sdk;
}

export function startInMemoryTracingSdk(): RunningTracing & { spans: () => FinishedSpan[] } {
  const exporter = new InMemorySpanExporter();
  const sdk = new NodeSDK({
    serviceName: "cartograph-test",
    autoDetectResources: false,
    metricReaders: [],
    logRecordProcessors: [],
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  sdk.start();
  return {
    shutdown: () => sdk.shutdown(),
    spans: () =>
      exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        kind: span.kind,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
        status: span.status,
      })),
  };
}
