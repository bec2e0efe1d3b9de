import { setTimeout as sleep } from "node:timers/promises";
import { spawn, type ChildProcess } from "node:child_process";
import { loadavg } from "node:os";
import { withoutSecrets } from "./env-schemas";

export interface ServiceProcess {
  name: string;
  /** The operating system's process id (fault tests pause it with SIGSTOP). */
  pid: number;
  baseUrl: string;
  /** Resolves with the exit code when the process ends, for whatever reason. */
  exited: Promise<number | null>;
  /** SIGTERM and wait for exit (graceful shutdown is part of what is tested); resolves with the exit code. */
  stop: () => Promise<number | null>;
  output: () => string;
}

/**
 * Runs a service's `src/bin/main.ts` (or another `entry`) as its own process, as in production,
 * and waits until its `/healthz` answers. Its output is kept and shown if it fails to start.
 */
export async function startServiceProcess(options: {
  name: string;
  cwd: string;
  /** Relative to `cwd`; src/bin/main.ts unless given. */
  entry?: string;
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
  /** Each line the process prints (by default it is only kept, and shown if start-up fails). */
  onLine?: (line: string) => void;
}): Promise<ServiceProcess> {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", options.entry ?? "src/bin/main.ts"], {
    cwd: options.cwd,
    // The parent's secrets stay with the parent: a service's own come through `options.env`.
    env: { ...withoutSecrets(process.env), HOST: "127.0.0.1", PORT: String(options.port), ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  let partial = "";
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (!options.onLine) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop() ?? "";
    lines.forEach(options.onLine);
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${options.port}`;

  // Generous: on two cores a service may start while two platforms' subgraphs catch up on the
  // seeded catalogue's events (a router once took over a minute there). A healthy one ends the wait.
  const started = Date.now();
  const deadline = started + (options.timeoutMs ?? 120_000);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${options.name} exited with ${child.exitCode} while starting:\n${output}`);
    try {
      // Bounded: a process that takes the connection and never answers must not outlast the deadline.
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      const waited = Math.round((Date.now() - started) / 1000);
      const load = loadavg()[0]!.toFixed(1);
      throw new Error(
        `${options.name} did not answer ${baseUrl}/healthz within ${waited} s (load average ${load}); it printed:\n${output}`,
      );
    }
    await sleep(150);
  }

  return {
    name: options.name,
    pid: child.pid!,
    baseUrl,
    exited,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
