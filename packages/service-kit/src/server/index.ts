// `@cartograph/service-kit/server`: a subgraph's HTTP server (Apollo Server on Express) and its probes.
export * from "./health";
export * from "./http-edge";
export * from "./server";
