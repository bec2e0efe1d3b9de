import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
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
