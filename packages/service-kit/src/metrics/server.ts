import http from "node:http";
import type { AddressInfo } from "node:net";
import { AggregatorRegistry } from "prom-client";
import type { Logger } from "../logger";
import { metricsRegistry } from "./registry";

/** Where Prometheus scrapes every Cartograph process, on its METRICS_PORT. */
export const METRICS_PATH = "/metrics";

export interface RunningMetricsServer {
  /** `http://<host>:<port>/metrics`, with the port actually bound (METRICS_PORT=0 picks a free one). */
  url: string;
  port: number;
  /** Stops accepting; a scrape in flight is answered first. */
  stop(): Promise<void>;
}

export interface MetricsServerOptions {
  /** The service's own HOST and METRICS_PORT. */
  config: { HOST: string; METRICS_PORT: number };
  log: Logger;
  /**
   * In a node:cluster primary (the router with ROUTER_WORKERS > 1): serve the workers' metrics,
   * summed, instead of this process's (a worker must not serve its own: a scrape would reach
   * whichever worker took the connection).
   */
  clusterWorkers?: boolean;
}

/**
 * `/metrics` in Prometheus' text format on a management port of its own, apart from the API
 * (the ingress never routes to it). Nothing else is served there.
 */
export async function startMetricsServer({
  config,
  log,
  clusterWorkers = false,
}: MetricsServerOptions): Promise<RunningMetricsServer> {
  const registry = clusterWorkers ? new AggregatorRegistry() : metricsRegistry;
  const exposition = () => (registry instanceof AggregatorRegistry ? registry.clusterMetrics() : registry.metrics());
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path !== METRICS_PATH) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end(`Metrics are at ${METRICS_PATH}.\n`);
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end();
      return;
    }
    exposition().then(
      (text) => {
        res.writeHead(200, { "content-type": registry.contentType });
        res.end(req.method === "HEAD" ? undefined : text);
      },
      (error: unknown) => {
        log.error({ err: error }, "metrics could not be collected");
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("metrics could not be collected\n");
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.METRICS_PORT, config.HOST, () => {
      server.removeListener("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "localhost" : config.HOST;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}${METRICS_PATH}`;
  log.info({ url }, "metrics served");
  return {
    url,
    port,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        // Idle keep-alive connections (Prometheus keeps one) would hold close() open.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
