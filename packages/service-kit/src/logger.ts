import pino, { type Logger } from "pino";
import { traceLogFields } from "./telemetry/active-span";

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // trace_id and span_id while a span is active, so a line leads to its trace (nothing without one).
    mixin: traceLogFields,
    // Tokens and passwords never reach the logs, whatever object they ride in on.
    redact: {
      paths: [
        "*.password",
        "*.authorization",
        "*.accessToken",
        "*.refreshToken",
        "headers.authorization",
        "*.headers.authorization",
      ],
      censor: "[redacted]",
    },
  });
}
