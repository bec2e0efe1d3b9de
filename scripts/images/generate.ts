/**
 * Writes every image's Dockerfile from scripts/images/Dockerfile.template, so they stay one
 * structure that differs only in name, directory, port and what the kind of image adds: the
 * services (each subgraph and the router; the port read from the service's own src/config.ts)
 * and the web apps under apps/ (their server.ts serves the `vite build` output; the port read
 * from that file). `--check` writes nothing and fails when a Dockerfile is stale.
 *
 *   tsx scripts/images/generate.ts [--check]
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const repoRoot = path.resolve(__dirname, "../..");

interface ImageService {
  name: string;
  /** Relative to the repository root, with forward slashes. */
  dir: string;
  /** A subgraph or the router (src/bin/*.ts, src/config.ts), or a web app (server.ts beside a Vite app). */
  kind: "subgraph" | "router" | "app";
  port: number;
}

/** Where an app's `vite build` output lies in its image (its server's STOREFRONT_DIST), relative to /app. */
const APP_ASSETS_DIR = "public";

/** The file whose env schema says `PORT: port(<default>)`. */
const portSource = (service: Pick<ImageService, "dir" | "kind">) =>
  path.join(service.dir, service.kind === "app" ? "server.ts" : path.join("src", "config.ts"));

export function imageServices(): ImageService[] {
  const under = (parent: string, marker: string) =>
    existsSync(path.join(repoRoot, parent))
      ? readdirSync(path.join(repoRoot, parent))
          .filter((name) => existsSync(path.join(repoRoot, parent, name, marker)))
          .sort()
      : [];
  const subgraphs = under("subgraphs", "src/config.ts").map((name) => ({
    name,
    dir: `subgraphs/${name}`,
    kind: "subgraph" as const,
  }));
  const apps = under("apps", "server.ts").map((name) => ({ name, dir: `apps/${name}`, kind: "app" as const }));
  return [...subgraphs, { name: "router", dir: "router", kind: "router" as const }, ...apps].map((service) => ({
    ...service,
    port: configuredPort(service),
  }));
}

function configuredPort(service: Pick<ImageService, "dir" | "kind">): number {
  const file = portSource(service);
  const match = /\bPORT:\s*port\((\d+)\)/.exec(readFileSync(path.join(repoRoot, file), "utf8"));
  if (!match) throw new Error(`${file}: no \`PORT: port(<default>)\` to take the port from`);
  return Number(match[1]);
}

/** The image contract's lines on entry points, in the header comment. */
function entryPointsContract(service: ImageService): string {
  if (service.kind === "app")
    return [
      `#   \`node dist/bin/main.js\` serves (the CMD): ${service.dir}/server.ts compiled, answering /healthz, passing`,
      `#   /graphql (HTTP and WebSocket) to $ROUTER_URL and serving the \`vite build\` output, which lies in`,
      `#   /app/${APP_ASSETS_DIR} ($STOREFRONT_DIST). No migrations, no seeds, no metrics port.`,
    ].join("\n");
  return [
    "#   `node dist/bin/main.js` serves (the CMD), `node dist/bin/migrate.js` migrates, `node dist/bin/seed.js`",
    "#   seeds where the service has src/bin/seed.ts; every entry point src/bin/<name>.ts is dist/bin/<name>.js",
    "#   (e.g. dist/bin/rebuild.js, dist/bin/republish.js).",
  ].join("\n");
}

export function renderDockerfile(service: ImageService): string {
  const template = readFileSync(path.join(__dirname, "Dockerfile.template"), "utf8");
  const then = (commands: string[]) => commands.map((command) => ` \\\n    && ${command}`).join("");
  const extra: Record<ImageService["kind"], { compileArgs: string; build: string[]; env: string }> = {
    subgraph: { compileArgs: "", build: [], env: "" },
    // The router reads the composed supergraph; its default path points outside the image.
    router: {
      compileArgs: "",
      build: ["cp supergraph.graphql /out/supergraph.graphql"],
      env: " SUPERGRAPH_PATH=/app/supergraph.graphql",
    },
    // A web app: its server.ts is the one entry point, and the app itself is built here with
    // Vite (the workspace's devDependencies are in this stage), never taken from a local dist/.
    app: {
      compileArgs: " --main server.ts",
      build: [`pnpm --filter ./${service.dir} run build`, `cp -r ${service.dir}/dist /out/${APP_ASSETS_DIR}`],
      env: ` STOREFRONT_DIST=/app/${APP_ASSETS_DIR}`,
    },
  };
  const { compileArgs, build, env } = extra[service.kind];
  const values: Record<string, string> = {
    GENERATED:
      "Generated from scripts/images/Dockerfile.template by `pnpm images:generate`: edit the template, not this file.",
    NAME: service.name,
    DIR: service.dir,
    PORT: String(service.port),
    ENTRY_POINTS: entryPointsContract(service),
    COMPILE_ARGS: compileArgs,
    BUILD_EXTRA: then(build),
    ENV_EXTRA: env,
  };
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`Dockerfile.template: unknown placeholder {{${key}}}`);
    return value;
  });
}

function main(): void {
  const check = process.argv.includes("--check");
  const stale: string[] = [];
  for (const service of imageServices()) {
    const file = path.join(repoRoot, service.dir, "Dockerfile");
    const content = renderDockerfile(service);
    const current = existsSync(file) ? readFileSync(file, "utf8") : null;
    if (current === content) continue;
    if (check) stale.push(`${service.dir}/Dockerfile`);
    else writeFileSync(file, content);
  }
  if (stale.length > 0) {
    process.stderr.write(`Stale Dockerfiles (run pnpm images:generate): ${stale.join(", ")}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();
