/**
 * Runs in an image's build stage after `pnpm deploy`: turns the deployed service and the
 * workspace packages copied into its node_modules from TypeScript into JavaScript, then
 * assembles the runtime tree.
 *
 *   tsx scripts/images/compile.ts <deploy dir> <out dir> [--main <file>]
 *
 * With --main (a web app, apps/<name>, whose src/ is browser code for Vite), that one file beside
 * package.json is the server and becomes dist/bin/main.js; src/ is neither compiled nor copied.
 *
 * Files are transpiled one to one (the service's src/x.ts -> dist/x.js, a workspace package's
 * src/x.ts -> src/x.js) rather than bundled, so every import of a third-party package still
 * resolves from the package that declares it, through pnpm's layout, to the version the
 * lockfile gives that package (a bundle would resolve them all from dist/, where for instance
 * service-kit's @graphql-tools/utils@10 is not the one found, or nothing is).
 * dist/ sits one level below the service root, so `path.resolve(__dirname, "..")` still finds
 * drizzle/. Out: package.json, node_modules/, dist/ and drizzle/ (when the service has one).
 */
import {
  cpSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { buildSync } from "esbuild";

const repoRoot = path.resolve(__dirname, "../..");

/** One file in, one CommonJS file out, for Node 20: how every package's sources become dist/. */
const TRANSPILE = {
  bundle: false,
  platform: "node",
  format: "cjs",
  target: "node20",
  tsconfig: path.join(repoRoot, "tsconfig.base.json"),
  logLevel: "warning",
} as const;

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".test.ts"))
    .map((file) => path.join(dir, file))
    .filter((file) => statSync(file).isFile());
}

/** src/**\/*.ts -> <out>/**\/*.js, with the workspace's compiler settings (legacy decorators). */
function transpile(packageDir: string, out: string): string[] {
  const src = path.join(packageDir, "src");
  const entryPoints = typeScriptFiles(src);
  if (entryPoints.length === 0) throw new Error(`no TypeScript sources in ${src}`);
  buildSync({
    entryPoints,
    outdir: path.join(packageDir, out),
    outbase: src,
    ...TRANSPILE,
  });
  return entryPoints;
}

/**
 * A workspace package copied into node_modules: compiled in place (src/x.ts -> src/x.js, its
 * `exports` rewritten to match), sources dropped.
 */
function compileWorkspacePackage(packageDir: string): void {
  for (const source of transpile(packageDir, "src")) rmSync(source);
  const manifestPath = path.join(packageDir, "package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
  if (manifest.main !== "src/index.ts")
    throw new Error(`${manifestPath}: expected main src/index.ts, found ${String(manifest.main)}`);
  manifest.main = "src/index.js";
  // Subpath entry points (`@cartograph/service-kit/db` and the like) point at the compiled files too.
  const entryPoints = manifest.exports as Record<string, string> | undefined;
  if (entryPoints) {
    manifest.exports = Object.fromEntries(
      // TypeScript entries become their compiled .js; data files (a .json manifest) stay as they are.
      Object.entries(entryPoints).map(([subpath, target]) => [subpath, target.replace(/\.ts$/, ".js")]),
    );
  }
  delete manifest.types;
  // A new file, not a write through: pnpm hard-links injected packages to the workspace's own files.
  rmSync(manifestPath);
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  rmSync(path.join(packageDir, "test"), { recursive: true, force: true });
}

/** Every real (not symlinked) copy of a @cartograph/* package in pnpm's virtual store. */
function workspacePackageCopies(nodeModules: string): string[] {
  const store = path.join(nodeModules, ".pnpm");
  const copies = new Set<string>();
  for (const entry of readdirSync(store)) {
    const scope = path.join(store, entry, "node_modules", "@cartograph");
    if (!existsSync(scope)) continue;
    for (const name of readdirSync(scope)) copies.add(realpathSync(path.join(scope, name)));
  }
  return [...copies];
}

/** Files Node never loads at run time: type declarations, source maps, TypeScript sources, docs. */
const NOT_RUNTIME = /(\.d\.[cm]?ts|\.[cm]?ts|\.map|\.md|\.markdown)$/i;

/** Drops what only compilers and readers use from the deployed packages (a smaller image). */
function pruneNodeModules(dir: string): number {
  let bytes = 0;
  // A walk that never follows symlinks: pnpm links each package from several places.
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) bytes += pruneNodeModules(full);
    else if (entry.isFile() && NOT_RUNTIME.test(entry.name)) {
      bytes += lstatSync(full).size;
      rmSync(full);
    }
  }
  return bytes;
}

/** A web app's server file (e.g. server.ts) -> dist/bin/main.js, with the same settings as transpile(). */
function transpileServer(packageDir: string, file: string): void {
  const entry = path.join(packageDir, file);
  if (!existsSync(entry)) throw new Error(`no ${file} in ${packageDir}`);
  buildSync({
    entryPoints: [entry],
    outfile: path.join(packageDir, "dist", "bin", "main.js"),
    ...TRANSPILE,
  });
}

function main(): void {
  const args = process.argv.slice(2);
  const mainFlag = args.indexOf("--main");
  const serverFile = mainFlag === -1 ? undefined : args.splice(mainFlag, 2)[1];
  if (mainFlag !== -1 && !serverFile) throw new Error("--main needs a file");
  const [deployDir, outDir] = args.map((arg) => path.resolve(arg));
  if (!deployDir || !outDir) throw new Error("usage: compile.ts <deploy dir> <out dir> [--main <file>]");
  const nodeModules = path.join(deployDir, "node_modules");
  for (const copy of workspacePackageCopies(nodeModules)) {
    if (!copy.startsWith(`${nodeModules}${path.sep}`))
      throw new Error(`${copy} lies outside the deployment (not injected)`);
    compileWorkspacePackage(copy);
  }
  if (serverFile) transpileServer(deployDir, serverFile);
  else transpile(deployDir, "dist");
  if (!existsSync(path.join(deployDir, "dist", "bin", "main.js")))
    throw new Error("the service has no src/bin/main.ts");

  const pruned = pruneNodeModules(nodeModules);
  rmSync(outDir, { recursive: true, force: true });
  for (const part of ["package.json", "node_modules", "dist", "drizzle"]) {
    const from = path.join(deployDir, part);
    if (existsSync(from)) cpSync(from, path.join(outDir, part), { recursive: true, verbatimSymlinks: true });
  }
  const entries = readdirSync(path.join(outDir, "dist", "bin")).map((file) => `dist/bin/${file}`);
  process.stdout.write(
    `compiled ${path.basename(deployDir)}: entry points ${entries.join(", ")}; pruned ${(pruned / 1e6).toFixed(1)} MB of types, maps, sources and docs\n`,
  );
}

main();
