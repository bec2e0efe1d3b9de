// `@cartograph/service-kit/telemetry`: distributed tracing with OpenTelemetry, off and free unless
// an OTLP endpoint is configured. This module loads only the OpenTelemetry API (a no-op until an
// SDK registers) and the W3C propagator; the SDK and the instrumentations are loaded by
// `startTracing`, and only when it starts them.
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
// Types only: erased, so the SDK is still loaded only by startTracing.
import type { FinishedSpan, RunningTracing } from "./sdk";
import { activeSpanContext } from "./active-span";

export type { FinishedSpan, RunningTracing } from "./sdk";
export { traceLogFields } from "./active-span";

export {
  context,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";

let running: RunningTracing | null = null;

/** The OTLP endpoint traces go to (the traces-specific variable wins), or undefined when tracing is off. */
export function tracingEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return undefined;
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || undefined;
}

/**
 * Starts OpenTelemetry's Node SDK for `service` (`OTEL_SERVICE_NAME`, by default
 * `cartograph-<service>`) when an OTLP endpoint is configured, and does nothing otherwise: no
 * module is patched, no exporter runs, no span is kept. It must run before the
 * modules it instruments are loaded (pg, express, graphql, mongodb, http): each service's
 * `src/tracing.ts` calls it and is the first import of its `src/bin/main.ts`.
 * Returns whether tracing runs.
 */
export function startTracing(service: string): boolean {
  if (running) return true;
  if (!tracingEndpoint()) return false;
  // Required here, not imported above: without an endpoint the SDK is never even loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("./sdk") as typeof import("./sdk");
  running = sdk.startTracingSdk({
    service,
    serviceName: process.env.OTEL_SERVICE_NAME?.trim() || `cartograph-${service}`,
  });
  return true;
}

/**
 * Tracing into memory instead of OTLP, for tests that look at spans: the same SDK setup (context
 * manager, W3C propagation) without instrumentations or exporters. Stop it with `stopTracing`.
 */
export function startTracingInMemory(): { spans: () => ReadonlyArray<FinishedSpan> } {
  if (running) throw new Error("tracing is already running");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require("./sdk") as typeof import("./sdk");
  const memory = sdk.startInMemoryTracingSdk();
  running = memory;
  return memory;
}

/** A collector that is down must not hold a stopping process: it loses those spans instead. */
const FLUSH_TIMEOUT_MS = 5_000;

/** Flushes what is buffered and shuts the SDK down (the last step of a process's stop). */
export async function stopTracing(): Promise<void> {
  const current = running;
  running = null;
  if (!current) return;
  await Promise.race([current.shutdown(), sleep(FLUSH_TIMEOUT_MS, undefined, { ref: false })]);
  // Back to the no-op API, so a later start (tests) can register again.
  trace.disable();
  context.disable();
  propagation.disable();
}

/** The W3C trace context of a span, as it travels in a message (an event envelope). */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

// W3C always, whatever OTEL_PROPAGATORS says for HTTP: the envelope's fields are W3C's.
const w3c = new W3CTraceContextPropagator();

/** The trace context of the span active in `from` (by default, now), or undefined when no span is. */
export function captureTraceContext(from: Context = context.active()): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(from, carrier, defaultTextMapSetter);
  const { traceparent, tracestate } = carrier;
  if (!traceparent) return undefined;
  return tracestate ? { traceparent, tracestate } : { traceparent };
}

/** A context whose (remote) parent span is the one `carried` names; the root context when it names none. */
export function contextFrom(carried: TraceContext | undefined): Context {
  if (!carried) return ROOT_CONTEXT;
  return w3c.extract(ROOT_CONTEXT, carried, defaultTextMapGetter);
}

/**
 * W3C Trace Context Level 2's response header: `00-<trace id>-<id of the server's span>-<flags>`,
 * so a client (or an operator with curl) finds the trace of any response.
 */
export const TRACE_RESPONSE_HEADER = "traceresponse";

/** Express middleware, mounted first: sets `traceresponse` when the request is traced. */
export function traceResponseHeader(_request: IncomingMessage, response: ServerResponse, next: () => void): void {
  const spanContext = activeSpanContext();
  if (spanContext) {
    const flags = spanContext.traceFlags & TraceFlags.SAMPLED ? "01" : "00";
    response.setHeader(TRACE_RESPONSE_HEADER, `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`);
  }
  next();
}
