/**
 * Stock `@apollo/gateway` behind Apollo Server, default options, over a given supergraph: what
 * the router is measured against.
 *
 *   tsx bench/router/stock-gateway.ts <supergraph file> <port>
 */
import { readFileSync } from "node:fs";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

async function main(): Promise<void> {
  const [file, port] = process.argv.slice(2);
  const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl: readFileSync(file!, "utf8") }) });
  const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: "127.0.0.1" } });
  process.stdout.write(`stock gateway on ${url}\n`);
}

void main();
