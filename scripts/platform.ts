import path from "node:path";
import { withOnlyItsSecrets, withoutSecrets } from "./env-schemas";
import { startServiceProcess, type ServiceProcess } from "./processes";
import { runTs } from "./run";
import { repoRoot, subgraphs, type SubgraphEntry } from "./subgraphs";

export interface PlatformOptions {
  /** Environment for every service and command (secrets, broker, exchange, admin). */
  env: Record<string, string>;
  /** The database URL of a subgraph (PostgreSQL or MongoDB, per its `store`); by default its own env default applies. */
  databaseUrl?: (subgraph: SubgraphEntry) => Promise<string | undefined>;
  port: (name: string) => Promise<number>;
  /** Where each service's output goes, line by line. */
  onLine?: (service: string, line: string) => void;
  /** Subgraphs already running elsewhere (name -> GraphQL URL): not migrated, seeded or started here. */
  external?: Record<string, string>;
}

export interface RunningPlatform {
  routerUrl: string;
  services: Record<string, ServiceProcess>;
  /** SIGTERM to all, router first; resolves with each process's exit code (0 when graceful). */
  stop: () => Promise<Record<string, number | null>>;
  /** Stops one service (SIGTERM) and resolves with its exit code: for failure tests. */
  stopService: (name: string) => Promise<number | null>;
  /** Starts a stopped service again, on the same port with the same settings. */
  startService: (name: string) => Promise<ServiceProcess>;
}

/**
 * The whole supergraph as separate processes, as in production: migrate, seed what can be seeded
 * up front, start every subgraph in order and then the router, then seed what needs the running
 * platform. Used by `pnpm start` and by the end-to-end tests.
 */
export async function launchPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const services: Record<string, ServiceProcess> = {};
  const stop = async () => {
    // The router first, so nothing new reaches the subgraphs while they drain.
    const codes: Record<string, number | null> = {};
    if (services.router) codes.router = await services.router.stop();
    const subgraphCodes = await Promise.all(
      Object.entries(services)
        .filter(([name]) => name !== "router")
        .map(async ([name, service]) => [name, await service.stop()] as const),
    );
    return { ...codes, ...Object.fromEntries(subgraphCodes) };
  };
  const external = options.external ?? {};
  const local = subgraphs.filter((subgraph) => !(subgraph.name in external));
  const envOf: Record<string, Record<string, string>> = {};
  const launches: Record<string, Parameters<typeof startServiceProcess>[0]> = {};
  const launch = async (options: Parameters<typeof startServiceProcess>[0]) => {
    launches[options.name] = options;
    services[options.name] = await startServiceProcess(options);
    return services[options.name]!;
  };
  const command = (subgraph: SubgraphEntry, entry: string) =>
    runTs(subgraph.dir, entry, { ...withoutSecrets(process.env), ...envOf[subgraph.name] });

  try {
    for (const subgraph of local) {
      const databaseUrl = await options.databaseUrl?.(subgraph);
      // Each service gets only the secrets it reads: the signing key goes to users alone.
      envOf[subgraph.name] = await withOnlyItsSecrets(subgraph.name, {
        ...options.env,
        ...(databaseUrl ? { [subgraph.store === "mongodb" ? "MONGODB_URL" : "DATABASE_URL"]: databaseUrl } : {}),
      });
      await command(subgraph, "src/bin/migrate.ts");
      if (subgraph.seed === "before-start") await command(subgraph, "src/bin/seed.ts");
    }
    const routerEnv: Record<string, string> = await withOnlyItsSecrets("router", options.env);
    for (const [name, url] of Object.entries(external)) routerEnv[`SUBGRAPH_${name.toUpperCase()}_URL`] = url;
    // Every port is chosen before anything starts, so users' JWKS URL is known to the services that
    // start before it (notifications does: it must hear users' events) as well as to those after.
    const ports: Record<string, number> = {};
    for (const name of [...local.map((subgraph) => subgraph.name), "router"]) {
      const holder = (port: number) => Object.keys(ports).find((other) => ports[other] === port);
      let port = await options.port(name);
      // A free-port picker may hand out a port twice while nothing listens on it yet.
      for (let tries = 0; holder(port) && tries < 5; tries++) port = await options.port(name);
      // Fixed ports (ROUTER_PORT under `pnpm start`) can collide for good: say so now, not as EADDRINUSE.
      if (holder(port)) throw new Error(`${name} and ${holder(port)} would both listen on port ${port}`);
      ports[name] = port;
    }
    const jwks: Record<string, string> = ports.users === undefined ? {} : { JWKS_URL: jwksUrl(ports.users) };
    for (const subgraph of local) {
      const env = { ...envOf[subgraph.name], ...jwks };
      envOf[subgraph.name] = env;
      await launch({
        name: subgraph.name,
        cwd: subgraph.dir,
        port: ports[subgraph.name]!,
        env,
        onLine: (line) => options.onLine?.(subgraph.name, line),
      });
      routerEnv[`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`] = `${services[subgraph.name]!.baseUrl}/graphql`;
    }
    Object.assign(routerEnv, jwks);
    await launch({
      name: "router",
      cwd: path.join(repoRoot, "router"),
      port: ports.router!,
      env: routerEnv,
      onLine: (line) => options.onLine?.("router", line),
    });
    for (const subgraph of local.filter((s) => s.seed === "after-start")) await command(subgraph, "src/bin/seed.ts");
    return {
      routerUrl: `${services.router!.baseUrl}/graphql`,
      services,
      stop,
      stopService: (name) => services[name]!.stop(),
      startService: (name) => launch(launches[name]!),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Where users serves its public keys, on the port it is given (as ServiceProcess.baseUrl names it). */
function jwksUrl(usersPort: number): string {
  return `http://127.0.0.1:${usersPort}/.well-known/jwks.json`;
}
