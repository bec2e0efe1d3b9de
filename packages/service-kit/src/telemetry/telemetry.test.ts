import { execFile } from "node:child_process";
import type { ServerResponse } from "node:http";
import path from "node:path";
import { promisify } from "node:util";
import {
  captureTraceContext,
  context,
  contextFrom,
  startTracingInMemory,
  stopTracing,
  trace,
  TRACE_RESPONSE_HEADER,
  traceLogFields,
  traceResponseHeader,
  tracingEndpoint,
} from "./index";

const run = promisify(execFile);

interface ProbeReport {
  started: boolean;
  sdkLoaded: boolean;
  patched: Record<"http" | "pg" | "graphql", boolean>;
  recording: boolean;
}

/** A process laid out like a service (tracing first, then pg, graphql, http), and what tracing did to it. */
async function probe(env: Record<string, string>): Promise<ProbeReport> {
  const { OTEL_EXPORTER_OTLP_ENDPOINT: _a, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _b, ...inherited } = process.env;
  const packageDir = path.resolve(__dirname, "../..");
  const { stdout } = await run(process.execPath, ["--import", "tsx", "test/fixtures/tracing-probe.ts"], {
    cwd: packageDir,
    env: { ...inherited, ...env },
  });
  return JSON.parse(stdout) as ProbeReport;
}

describe("tracing is off without an OTLP endpoint", () => {
  it("starts nothing: the SDK is never loaded, no module is patched, spans record nothing", async () => {
    expect(await probe({})).toEqual({
      started: false,
      sdkLoaded: false,
      patched: { http: false, pg: false, graphql: false },
      recording: false,
    });
  });

  it("with an endpoint, the same process loads the SDK and instruments what it loads", async () => {
    // Nothing listens there: the probe exits before its first batch is due.
    expect(await probe({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:9" })).toEqual({
      started: true,
      sdkLoaded: true,
      patched: { http: true, pg: true, graphql: true },
      recording: true,
    });
  });

  it("reads the endpoint from the standard variables, the traces-specific one first", () => {
    expect(tracingEndpoint({})).toBeUndefined();
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: " " })).toBeUndefined();
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe("http://collector:4318");
    expect(
      tracingEndpoint({
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://traces:4318/v1/traces",
      }),
    ).toBe("http://traces:4318/v1/traces");
    expect(tracingEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "true" })).toBe(
      undefined,
    );
  });

  it("adds no trace fields to logs and no trace context to messages", () => {
    const span = trace.getTracer("test").startSpan("unrecorded");
    context.with(trace.setSpan(context.active(), span), () => {
      expect(traceLogFields()).toEqual({});
      expect(captureTraceContext()).toBeUndefined();
    });
    span.end();
  });
});

describe("while tracing runs", () => {
  let memory: ReturnType<typeof startTracingInMemory>;
  beforeAll(() => {
    memory = startTracingInMemory();
  });
  afterAll(() => stopTracing());

  it("log lines of a span carry its trace id and span id", () => {
    const span = trace.getTracer("test").startSpan("work");
    const fields = context.with(trace.setSpan(context.active(), span), () => traceLogFields());
    span.end();
    expect(fields).toEqual({
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      trace_flags: "01",
    });
    expect(traceLogFields()).toEqual({});
  });

  it("a captured trace context names the active span, and continues it where it is read", () => {
    const tracer = trace.getTracer("test");
    const parent = tracer.startSpan("request");
    const carried = context.with(trace.setSpan(context.active(), parent), () => captureTraceContext());
    parent.end();
    const { traceId, spanId } = parent.spanContext();
    expect(carried).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });
    const child = tracer.startSpan("later", {}, contextFrom(carried));
    child.end();
    const recorded = memory.spans().find((span) => span.name === "later");
    expect(recorded).toMatchObject({ traceId, parentSpanId: spanId });
    expect(trace.getSpan(contextFrom(undefined))).toBeUndefined(); // no parent: a new trace
    expect(trace.getSpan(contextFrom({ traceparent: "not a traceparent" }))).toBeUndefined();
  });

  it("a traced response names its trace in `traceresponse`", () => {
    const span = trace.getTracer("test").startSpan("server");
    const headers = new Map<string, string>();
    const response = { setHeader: (name: string, value: string) => headers.set(name, value) };
    const next = jest.fn();
    context.with(trace.setSpan(context.active(), span), () =>
      traceResponseHeader({} as never, response as unknown as ServerResponse, next),
    );
    span.end();
    const { traceId, spanId } = span.spanContext();
    expect(headers.get(TRACE_RESPONSE_HEADER)).toBe(`00-${traceId}-${spanId}-01`);
    expect(next).toHaveBeenCalled();
  });
});
