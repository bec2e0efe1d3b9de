import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { baseEnvSchema, createLogger, ErrorCode, loadConfigOrExit, port } from "@cartograph/service-kit";
import { createProxyServer } from "http-proxy-3";
import sirv from "sirv";
import { z } from "zod";

/**
 * The storefront's server: the built shop (dist/, from `vite build`) and, on the same origin,
 * /graphql passed to the router over HTTP and WebSocket. One origin means no CORS, and the
 * page's Content-Security-Policy can allow 'self' only.
 */
const envSchema = baseEnvSchema.pick({ NODE_ENV: true, LOG_LEVEL: true, HOST: true }).extend({
  PORT: port(3000),
  /** The router, as this server reaches it (its /graphql is appended). */
  ROUTER_URL: z
    .string()
    .url()
    .refine(
      (url) => new URL(url).pathname === "/",
      "must be the router's address without a path, e.g. http://router:4000",
    )
    .default("http://127.0.0.1:4000"),
  /** The built app; `vite build` writes it beside this file. */
  STOREFRONT_DIST: z.string().default(path.join(__dirname, "dist")),
});

const config = loadConfigOrExit("storefront", envSchema);
const log = createLogger("storefront", config.LOG_LEVEL);
if (!existsSync(path.join(config.STOREFRONT_DIST, "index.html"))) {
  log.fatal({ dist: config.STOREFRONT_DIST }, "no built shop there: run `pnpm --filter @cartograph/storefront build`");
  process.exit(1);
}

const securityHeaders: Record<string, string> = {
  "content-security-policy": [
    "default-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data: https:",
    "style-src 'self'",
    "script-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

const assets = sirv(config.STOREFRONT_DIST, {
  // Every route of the app is answered with index.html; the app's router takes it from there.
  single: true,
  etag: true,
  setHeaders(res, pathname) {
    for (const [name, value] of Object.entries(securityHeaders)) res.setHeader(name, value);
    // Vite names built assets by content hash: they never change, so they are cached for good.
    res.setHeader(
      "cache-control",
      pathname.startsWith("/assets/") ? "public, max-age=31536000, immutable" : "no-cache",
    );
  },
});

const proxy = createProxyServer({ target: config.ROUTER_URL, xfwd: true, proxyTimeout: 30_000 });
proxy.on("error", (error, _req, res) => {
  log.warn({ err: error }, "the router did not answer");
  if (res && "writeHead" in res && !res.headersSent) {
    res.writeHead(502, { "content-type": "application/json" });
    res.end(
      JSON.stringify({
        errors: [{ message: "The shop's API is unavailable.", extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } }],
      }),
    );
  } else if (res && "destroy" in res) res.destroy();
});

const isApi = (req: IncomingMessage) => (req.url ?? "").split("?")[0] === "/graphql";

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (isApi(req)) return proxy.web(req, res);
  if (req.url === "/healthz") {
    res.writeHead(200, { "content-type": "text/plain" });
    return res.end("ok");
  }
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" });
    return res.end();
  }
  assets(req, res, () => {
    res.writeHead(404);
    res.end();
  });
});
server.on("upgrade", (req, socket, head) => {
  if (isApi(req)) proxy.ws(req, socket, head);
  else socket.destroy();
});

server.listen(config.PORT, config.HOST, () => {
  log.info({ url: `http://${config.HOST}:${config.PORT}`, router: config.ROUTER_URL }, "storefront listening");
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
