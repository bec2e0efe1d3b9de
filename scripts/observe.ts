import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import YAML from "yaml";
import { METRICS_PATH } from "@cartograph/service-kit/metrics";
import { runCommand } from "./run";
import { repoRoot, routerPorts, subgraphs } from "./subgraphs";

/**
 * The local view of `pnpm start --observe`: Jaeger (built from tools/jaeger) receiving every
 * service's traces over OTLP, and Prometheus (Debian's) scraping every service's `/metrics`.
 * Both run in the foreground with the platform and stop with it; everything is on 127.0.0.1.
 */
export const LOCAL_VIEW = {
  /** What every service is given as OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger's OTLP/HTTP receiver). */
  otlpEndpoint: "http://127.0.0.1:4318",
  jaeger: "http://127.0.0.1:16686",
  prometheus: "http://127.0.0.1:9090",
} as const;

/** Ports the two take (Jaeger's as in tools/jaeger/config.yaml), checked free before starting. */
const LISTENERS: ReadonlyArray<[what: string, port: number]> = [
  ["Jaeger's OTLP/gRPC receiver", 4317],
  ["Jaeger's OTLP/HTTP receiver", 4318],
  ["Jaeger's query gRPC API", 16685],
  ["Jaeger's UI and API", 16686],
  ["Prometheus", 9090],
];

/** The PrometheusRule of the cluster's monitoring component: its spec is also a plain rules file. */
export const RULES_SOURCE = path.join(repoRoot, "k8s/components/monitoring/prometheus-rule.yaml");

export interface ScrapeTarget {
  /** The service's name: the `job` label the dashboard and the rules group by, as in the cluster. */
  job: string;
  port: number;
}

/** Every process's metrics endpoint, from scripts/subgraphs.ts: the router and each subgraph. */
export function scrapeTargets(): ScrapeTarget[] {
  return [
    { job: "router", port: routerPorts.metricsPort },
    ...subgraphs.map((subgraph) => ({ job: subgraph.name, port: subgraph.metricsPort })),
  ];
}

/** A Prometheus configuration scraping `targets` on 127.0.0.1, with `rulesPath` as its rules. */
export function prometheusConfig(targets: ScrapeTarget[], rulesPath: string): string {
  const config = {
    // Short, so a checkout shows in the graphs within seconds.
    global: { scrape_interval: "5s", evaluation_interval: "15s" },
    rule_files: [rulesPath],
    scrape_configs: targets.map(({ job, port }) => ({
      job_name: job,
      metrics_path: METRICS_PATH,
      static_configs: [{ targets: [`127.0.0.1:${port}`] }],
    })),
  };
  return `# Written by pnpm start --observe (scripts/observe.ts) at every start; edit scripts/subgraphs.ts instead.\n${YAML.stringify(config)}`;
}

/** The rule groups of a PrometheusRule, as a rules file Prometheus itself loads. */
export function rulesFile(prometheusRule: string): string {
  const parsed = YAML.parse(prometheusRule) as { kind?: unknown; spec?: { groups?: unknown } } | null;
  if (parsed?.kind !== "PrometheusRule" || !Array.isArray(parsed.spec?.groups))
    throw new Error(`${path.relative(repoRoot, RULES_SOURCE)} is not a PrometheusRule with spec.groups`);
  return `# Written by pnpm start --observe from ${path.relative(repoRoot, RULES_SOURCE)}.\n${YAML.stringify({ groups: parsed.spec.groups })}`;
}

export interface LocalView {
  /** SIGTERM to both; resolves once they have exited. */
  stop: () => Promise<void>;
}

/**
 * Installs Prometheus and builds Jaeger when missing (scripts/services.sh observe-tools), writes
 * Prometheus' configuration, starts both and waits until they answer. `report` hears of one
 * that exits on its own later.
 */
export async function startLocalView(report: (line: string) => void): Promise<LocalView> {
  await runCommand("bash", ["scripts/services.sh", "observe-tools"], repoRoot);
  for (const [what, port] of LISTENERS) {
    if (await listening(port))
      throw new Error(
        `127.0.0.1:${port} (${what}) is taken: stop whatever listens there, or run pnpm start without --observe`,
      );
  }
  const local = path.join(repoRoot, ".local");
  const prometheusDir = path.join(local, "prometheus");
  mkdirSync(path.join(local, "log"), { recursive: true });
  mkdirSync(prometheusDir, { recursive: true });
  const rulesPath = path.join(prometheusDir, "cartograph.rules.yml");
  writeFileSync(rulesPath, rulesFile(readFileSync(RULES_SOURCE, "utf8")));
  const configPath = path.join(prometheusDir, "prometheus.yml");
  writeFileSync(configPath, prometheusConfig(scrapeTargets(), rulesPath));

  const started: Daemon[] = [];
  try {
    started.push(
      await startDaemon({
        name: "jaeger",
        command: path.join(local, "bin/cartograph-jaeger"),
        // Relative to the repository root, as the UI path in the config is.
        args: ["--config", "tools/jaeger/config.yaml"],
        readyUrl: `${LOCAL_VIEW.jaeger}/api/services`,
        report,
      }),
    );
    started.push(
      await startDaemon({
        name: "prometheus",
        command: "prometheus",
        args: [
          `--config.file=${configPath}`,
          `--storage.tsdb.path=${path.join(prometheusDir, "data")}`,
          "--storage.tsdb.retention.time=7d",
          `--web.listen-address=${new URL(LOCAL_VIEW.prometheus).host}`,
        ],
        readyUrl: `${LOCAL_VIEW.prometheus}/-/ready`,
        report,
      }),
    );
  } catch (error) {
    await Promise.all(started.map((daemon) => daemon.stop()));
    throw error;
  }
  return { stop: async () => void (await Promise.all(started.map((daemon) => daemon.stop()))) };
}

interface Daemon {
  stop: () => Promise<void>;
}

/** Runs `command` with its output appended to .local/log/<name>.log, and waits until `readyUrl` answers 200. */
async function startDaemon(options: {
  name: string;
  command: string;
  args: string[];
  readyUrl: string;
  report: (line: string) => void;
}): Promise<Daemon> {
  const logFile = path.join(repoRoot, ".local/log", `${options.name}.log`);
  const logFd = openSync(logFile, "a");
  writeSync(logFd, `==== ${new Date().toISOString()} pnpm start --observe\n`);
  const child = spawn(options.command, options.args, { cwd: repoRoot, stdio: ["ignore", logFd, logFd] });
  closeSync(logFd);
  let running = true;
  // Only an exit after start-up and not asked for is news: one during start-up is thrown.
  let watched = false;
  // A command that cannot be run at all emits `error` and no `exit`.
  const exited = new Promise<string>((resolve) => {
    child.once("error", (error) => resolve(error.message));
    child.once("exit", (code, signal) => resolve(signal ?? `code ${code}`));
  }).then((how) => {
    running = false;
    return how;
  });
  const where = path.relative(repoRoot, logFile);
  void exited.then((how) => {
    if (watched) options.report(`${options.name} exited (${how}); see ${where}`);
  });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (!running) throw new Error(`${options.name} exited while starting; the end of ${where}:\n${tail(logFile)}`);
    try {
      if ((await fetch(options.readyUrl)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${options.name} did not answer ${options.readyUrl} within 60 s; see ${where}`);
    }
    await sleep(250);
  }
  watched = true;
  return {
    stop: async () => {
      watched = false;
      if (!running) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(file: string, lines = 30): string {
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/** Whether something accepts connections on 127.0.0.1:`port`. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}
