import type { RouterConfig } from "./config";

/** Apollo Sandbox, allowed outside production. */
export const SANDBOX_ORIGINS = ["https://studio.apollographql.com", "https://sandbox.embed.apollographql.com"];
const LOCAL_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/;

/**
 * Which browser origins may call the router: in production only CORS_ORIGINS; elsewhere also
 * Apollo Sandbox and any app on this machine (http://localhost:*, http://127.0.0.1:*).
 */
export function allowedOriginsOf(config: Pick<RouterConfig, "CORS_ORIGINS" | "NODE_ENV">): (origin: string) => boolean {
  const listed = new Set(config.CORS_ORIGINS);
  if (config.NODE_ENV === "production") return (origin) => listed.has(origin);
  return (origin) => listed.has(origin) || SANDBOX_ORIGINS.includes(origin) || LOCAL_ORIGIN.test(origin);
}
