/**
 * The shared local datastores and broker, as the fault suite breaks and mends them: PostgreSQL
 * (Debian cluster 15/main), RabbitMQ (rabbitmqctl) and the MongoDB-compatible server (FerretDB,
 * whichever clone started it), plus freezing and thawing a process. Everything here is for the
 * `faults` jest project only, which runs alone: these are the datastores every other test uses.
 */
import { execFile, spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import { setTimeout as pause } from "node:timers/promises";
import { promisify } from "node:util";
import { MONGODB_TEST_URL, POSTGRES_ADMIN_URL, RABBITMQ_URL, waitFor } from "@cartograph/testing";
import { repoRoot } from "@cartograph/scripts/subgraphs";
import { MongoClient } from "mongodb";
import pg from "pg";

const run = promisify(execFile);

const PG_VERSION = process.env.CARTOGRAPH_PG_VERSION ?? "15";
const PG_CLUSTER = process.env.CARTOGRAPH_PG_CLUSTER ?? "main";

/** Runs a command as root needs it (no sudo here: the suite runs as root, like services.sh). */
async function command(file: string, args: string[], timeoutMs = 120_000): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd: "/", timeout: timeoutMs });
    return stdout;
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`${file} ${args.join(" ")} failed: ${(stderr || stdout || String(error)).trim()}`);
  }
}

// --- PostgreSQL ------------------------------------------------------------------------------

export async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL, connectionTimeoutMillis: 2_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `pg_ctlcluster restart -m fast`: every connection is cut, in-flight transactions roll back, and
 * the server is back when the command returns. Resolves once it accepts connections again.
 */
export async function restartPostgres(): Promise<void> {
  await command("pg_ctlcluster", ["--skip-systemctl-redirect", PG_VERSION, PG_CLUSTER, "restart", "-m", "fast"]);
  await waitFor(postgresAnswers, { timeoutMs: 30_000, what: "PostgreSQL to accept connections after its restart" });
}

// --- RabbitMQ --------------------------------------------------------------------------------

/** Stops the broker application (the Erlang node stays up): every AMQP connection is closed. */
export async function stopRabbitApp(): Promise<void> {
  await command("rabbitmqctl", ["-q", "stop_app"]);
}

export async function startRabbitApp(): Promise<void> {
  await command("rabbitmqctl", ["-q", "start_app"]);
  await command("rabbitmqctl", ["-q", "await_startup", "--timeout", "60"]);
  await waitFor(rabbitAnswers, { timeoutMs: 30_000, what: "RabbitMQ to accept connections" });
}

/** The AMQP port accepts connections (stop_app closes it; the Erlang node itself stays up). */
export function rabbitAnswers(): Promise<boolean> {
  const url = new URL(RABBITMQ_URL);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 5672), timeout: 2_000 });
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

// --- the MongoDB-compatible server -----------------------------------------------------------

const mongoAddress = new URL(MONGODB_TEST_URL);
const MONGO_PORT = Number(mongoAddress.port || 27017);

export async function mongoAnswers(timeoutMs = 2_000): Promise<boolean> {
  const client = new MongoClient(MONGODB_TEST_URL, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    socketTimeoutMS: timeoutMs,
  });
  try {
    await client.db("admin").command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** How to start the MongoDB-compatible server again exactly as it was started, whichever clone did. */
export interface MongoServer {
  pid: number;
  executable: string;
  cwd: string;
  env: Record<string, string>;
  /** services.sh's pid file of the clone that started it (kept current so its `status`/`down` still find it). */
  pidFile: string | null;
  logFile: string | null;
}

/** The process listening on the MongoDB port (`ss -ltnp`): FerretDB, possibly started by another clone. */
export async function findMongoServer(): Promise<MongoServer> {
  const out = await command("ss", ["-Hltnp", `sport = :${MONGO_PORT}`]);
  const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`nothing listens on port ${MONGO_PORT}:\n${out}`);
  const executable = readlinkSync(`/proc/${pid}/exe`);
  const env = Object.fromEntries(
    readFileSync(`/proc/${pid}/environ`, "utf8")
      .split("\0")
      .filter((entry) => entry.startsWith("FERRETDB_"))
      .map((entry) => [entry.slice(0, entry.indexOf("=")), entry.slice(entry.indexOf("=") + 1)]),
  );
  // services.sh puts the binary in <clone>/.local/bin and keeps <clone>/.local/ferretdb.pid.
  const local = path.basename(path.dirname(executable)) === "bin" ? path.dirname(path.dirname(executable)) : null;
  const ours =
    local !== null && path.basename(local) === ".local" && path.basename(executable) === "cartograph-ferretdb";
  return {
    pid,
    executable,
    cwd: readlinkSync(`/proc/${pid}/cwd`),
    env,
    pidFile: ours ? path.join(local, "ferretdb.pid") : null,
    logFile: ours ? path.join(local, "log", "ferretdb.log") : null,
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The MongoDB server as the suite last found or started it: `mendEverything` brings it back. */
let knownMongoServer: MongoServer | null = null;

/** Kills the server outright (a crash, not a shutdown) and waits for it to be gone. */
export async function killMongoServer(server: MongoServer): Promise<void> {
  knownMongoServer = server;
  process.kill(server.pid, "SIGKILL");
  await waitFor(() => !alive(server.pid), { timeoutMs: 10_000, what: "the MongoDB server to exit" });
}

/**
 * Starts the server again the way services.sh does (same binary and settings, own session, its
 * clone's log and pid file), then waits until it answers. A server services.sh did not start
 * (a real mongod) is left to `services.sh up`.
 */
export async function startMongoServer(server: MongoServer): Promise<MongoServer> {
  if (!server.pidFile) {
    await servicesUp();
  } else {
    const log = server.logFile && existsSync(path.dirname(server.logFile)) ? openSync(server.logFile, "a") : "ignore";
    const child = spawn(server.executable, [], {
      cwd: server.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...server.env },
      detached: true,
      stdio: ["ignore", log, log],
    });
    child.unref();
    if (typeof log === "number") closeSync(log);
    writeFileSync(server.pidFile, `${child.pid}\n`);
  }
  await waitFor(() => mongoAnswers(), { timeoutMs: 60_000, what: "the MongoDB server to answer again" });
  knownMongoServer = await findMongoServer();
  return knownMongoServer;
}

// --- processes -------------------------------------------------------------------------------

/** Processes frozen and not thawed yet: `mendEverything` thaws them whatever happened. */
const frozen = new Set<number>();

/** SIGSTOP: the process keeps its sockets and locks but answers nothing (a long GC pause, a stuck host). */
export function freeze(pid: number): void {
  frozen.add(pid);
  process.kill(pid, "SIGSTOP");
}

export function thaw(pid: number): void {
  frozen.delete(pid);
  try {
    process.kill(pid, "SIGCONT");
  } catch {
    // Already gone: nothing to thaw.
  }
}

// --- mending ---------------------------------------------------------------------------------

export function servicesUp(): Promise<string> {
  return command("bash", [path.join(repoRoot, "scripts/services.sh"), "up"], 600_000);
}

/**
 * Whatever a scenario broke, brought back (for `finally` and `afterAll`): frozen processes (the
 * MongoDB server's too) thawed, RabbitMQ's application started, a killed MongoDB server started
 * again as it was, then `services.sh up`, which starts whatever else is down and does nothing
 * when everything runs.
 */
export async function mendEverything(): Promise<void> {
  for (const pid of [...frozen]) thaw(pid);
  if (!(await rabbitAnswers())) {
    await startRabbitApp().catch(() => undefined); // stop_app leaves the node running; if not, services.sh starts it
  }
  const mongo = knownMongoServer;
  if (mongo && !alive(mongo.pid) && !(await mongoAnswers())) await startMongoServer(mongo);
  // Give a just-thawed or just-started server a moment to answer before deciding it is down.
  for (let i = 0; i < 10 && !((await postgresAnswers()) && (await mongoAnswers())); i += 1) await pause(500);
  await servicesUp();
}

/** Where the suite appends its figures (gitignored), one JSON line per scenario. */
export const FAULTS_REPORT = path.join(repoRoot, ".local", "faults-report.jsonl");

export function ensureReportDir(): void {
  mkdirSync(path.dirname(FAULTS_REPORT), { recursive: true });
}
