import type { Express } from "express";

/** A named dependency check for `/readyz`: resolves when reachable, rejects otherwise. */
export type ReadinessChecks = Record<string, () => Promise<unknown>>;

/** Probe paths, shared with the container and Kubernetes manifests' checks. */
export const LIVENESS_PATH = "/healthz";
export const READINESS_PATH = "/readyz";

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: () => Promise<unknown>): Promise<"ok" | "unavailable"> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error("timed out")), CHECK_TIMEOUT_MS);
      }),
    ]);
    return "ok";
  } catch {
    return "unavailable";
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/healthz`: the process is alive (no dependency is consulted, so a broken database does not
 * get the pod killed). `/readyz`: every dependency answers; 503 naming the ones that do not.
 */
export function mountHealthRoutes(app: Express, checks: ReadinessChecks, isShuttingDown: () => boolean): void {
  app.get(LIVENESS_PATH, (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get(READINESS_PATH, async (_req, res) => {
    const names = Object.keys(checks);
    const results = await Promise.all(names.map((name) => runCheck(checks[name]!)));
    const dependencies = Object.fromEntries(names.map((name, i) => [name, results[i]]));
    const ready = !isShuttingDown() && results.every((r) => r === "ok");
    res
      .status(ready ? 200 : 503)
      .json({ status: ready ? "ready" : isShuttingDown() ? "shutting-down" : "unavailable", dependencies });
  });
}
