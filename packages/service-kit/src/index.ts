// `@cartograph/service-kit`: what every process needs, whatever it serves or stores. The heavier
// pieces have their own entry points, so a process loads only what it uses:
//   /auth (access tokens, roles), /graphql (type-graphql subgraph schemas), /server (a subgraph's
//   HTTP server and probes), /db (PostgreSQL), /mongo (MongoDB), /metrics (Prometheus).
export * from "./config";
export * from "./errors";
export * from "./ids";
export * from "./lifecycle";
export * from "./loaders";
export * from "./logger";
export * from "./money";
export * from "./request";
export * from "./unavailable";
