/**
 * Writes every service's Dockerfile from scripts/images/Dockerfile.template, so the eight stay
 * one structure that differs only in name, directory and port (the port read from the
 * service's own src/config.ts). `--check` writes nothing and fails when a Dockerfile is stale.
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
  port: number;
}

export function imageServices(): ImageService[] {
  const subgraphs = readdirSync(path.join(repoRoot, "subgraphs"))
    .filter((name) => existsSync(path.join(repoRoot, "subgraphs", name, "src", "config.ts")))
    .sort()
    .map((name) => ({ name, dir: `subgraphs/${name}` }));
  return [...subgraphs, { name: "router", dir: "router" }].map((service) => ({
    ...service,
    port: configuredPort(service.dir),
  }));
}

function configuredPort(dir: string): number {
  const config = readFileSync(path.join(repoRoot, dir, "src", "config.ts"), "utf8");
  const match = /\bPORT:\s*port\((\d+)\)/.exec(config);
  if (!match) throw new Error(`${dir}/src/config.ts: no \`PORT: port(<default>)\` to take the port from`);
  return Number(match[1]);
}

export function renderDockerfile(service: ImageService): string {
  const template = readFileSync(path.join(__dirname, "Dockerfile.template"), "utf8");
  const router = service.name === "router";
  const values: Record<string, string> = {
    GENERATED:
      "Generated from scripts/images/Dockerfile.template by `pnpm images:generate`: edit the template, not this file.",
    NAME: service.name,
    DIR: service.dir,
    PORT: String(service.port),
    // The router reads the composed supergraph; its default path points outside the image.
    BUILD_EXTRA: router ? " \\\n    && cp supergraph.graphql /out/supergraph.graphql" : "",
    ENV_EXTRA: router ? " SUPERGRAPH_PATH=/app/supergraph.graphql" : "",
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
