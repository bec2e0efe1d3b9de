// The span active now, as log lines and response headers name it. Only the OpenTelemetry API (a
// no-op until an SDK registers), so the logger can use it without loading the SDK that logs.
import { isSpanContextValid, trace, TraceFlags, type SpanContext } from "@opentelemetry/api";

/** The active span's context, when a (valid) span is active. */
export function activeSpanContext(): SpanContext | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** Fields every log line gets while a span is active (the pino logger's mixin): nothing otherwise. */
export function traceLogFields(): { trace_id?: string; span_id?: string; trace_flags?: string } {
  const spanContext = activeSpanContext();
  if (!spanContext) return {};
  return {
    trace_id: spanContext.traceId,
    span_id: spanContext.spanId,
    trace_flags: spanContext.traceFlags & TraceFlags.SAMPLED ? "01" : "00",
  };
}
