// graphql-ws exposes `graphql-ws/use/ws` through package.json "exports" only, which the
// workspace's `moduleResolution: node10` does not read (Node itself does, at run time).
declare module "graphql-ws/use/ws" {
  export * from "graphql-ws/dist/use/ws";
}
