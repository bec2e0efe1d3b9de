// `@cartograph/service-kit/metrics`: Prometheus metrics. One registry per process, served on the
// service's METRICS_PORT; each metric is declared beside the code that counts it, with these helpers.
export * from "./operations";
export * from "./registry";
export * from "./scrape";
export * from "./server";
