// `@cartograph/service-kit/graphql`: what a type-graphql subgraph schema is built from. Loads
// type-graphql (and reflect-metadata), so nothing outside a subgraph imports it.
import "reflect-metadata";

export * from "./address";
export * from "./auth-checker";
export * from "./cache";
export * from "./cost";
export * from "./federation";
export * from "./money";
export * from "./pagination";
export * from "./user-error";
