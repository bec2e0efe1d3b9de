/**
 * Stock `@apollo/gateway` behind Apollo Server, default options, over a given supergraph: what
 * the router is measured against.
 *
 *   tsx bench/router/stock-gateway.ts <supergraph file> <port> [--cartograph]
 *
 * With --cartograph (Cartograph's own subgraphs, which refuse calls without the router's secret)
 * the gateway's data sources add the secret and forward the caller's Authorization: the least a
 * gateway must do to be let in, nothing more (the subgraphs still authorize every call). SUBGRAPH_<NAME>_URL overrides a subgraph's URL.
 */
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { supergraphForGateway } from "@cartograph/router";

async function main(): Promise<void> {
  const [file, port, flag] = process.argv.slice(2);
  const cartograph = flag === "--cartograph";
  const secret = process.env.CARTOGRAPH_ROUTER_SECRET ?? "";
  const gateway = new ApolloGateway({
    // Ours links @authenticated and @requiresScopes for SECURITY, which the stock gateway refuses to
    // load; it gets them as plain links, as our router does, and enforces neither.
    supergraphSdl: supergraphForGateway(readFileSync(file!, "utf8")),
    ...(cartograph
      ? {
          buildService: ({ name, url }) =>
            new RemoteGraphQLDataSource<{ authorization?: string }>({
              url: process.env[`SUBGRAPH_${name.toUpperCase()}_URL`] ?? url,
              willSendRequest: ({ request, context }) => {
                request.http?.headers.set("x-cartograph-router-secret", secret);
                if (context.authorization) request.http?.headers.set("authorization", context.authorization);
              },
            }),
        }
      : {}),
  });
  const server = new ApolloServer<{ authorization?: string }>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(port), host: "127.0.0.1" },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  process.stdout.write(`stock gateway on ${url}\n`);
  // An orderly exit on SIGTERM, so `--cpu-prof` (bench:router --cpu-prof) writes its profile.
  process.once("SIGTERM", () => void server.stop().finally(() => process.exit(0)));
}

void main();
