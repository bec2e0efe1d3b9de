/**
 * What the cluster tests share: kubectl against the local cluster (`pnpm k8s:up`), the router as
 * `pnpm k8s:forward` serves it, and probes run from inside the pods.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { createCartographClient, type CartographClient } from "@cartograph/client";
import { waitFor } from "@cartograph/testing";

const run = promisify(execFile);
const KUBECTL = path.join(__dirname, "..", "..", "scripts", "k8s", "cluster", "kubectl.sh");
export const NAMESPACE = "cartograph";

/** Where scripts/k8s/cluster/test.sh forwards the router (CARTOGRAPH_ROUTER_URL). */
export const routerUrl = process.env.CARTOGRAPH_ROUTER_URL ?? "http://127.0.0.1:14000/graphql";

export function client(accessToken?: string | null): CartographClient {
  return createCartographClient({ url: routerUrl, accessToken: accessToken ?? null });
}

export async function kubectl(args: string[], input?: string): Promise<string> {
  const child = run("bash", [KUBECTL, ...args], { maxBuffer: 32 * 1024 * 1024, timeout: 300_000 });
  if (input !== undefined) {
    child.child.stdin?.end(input);
  }
  const { stdout } = await child;
  return stdout.trim();
}

/** The same, for calls that are expected to fail: their exit and output. */
export async function kubectlOutcome(args: string[], input?: string): Promise<{ ok: boolean; output: string }> {
  try {
    return { ok: true, output: await kubectl(args, input) };
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

interface PodList {
  items: Array<{
    metadata: { name: string; deletionTimestamp?: string };
    status: { phase: string; conditions?: Array<{ type: string; status: string }> };
  }>;
}

/** The Ready pods of an app (`app.kubernetes.io/name`), oldest first. */
export async function readyPods(app: string): Promise<string[]> {
  const list = JSON.parse(
    await kubectl(["-n", NAMESPACE, "get", "pods", "-l", `app.kubernetes.io/name=${app}`, "-o", "json"]),
  ) as PodList;
  return list.items
    .filter(
      (pod) =>
        !pod.metadata.deletionTimestamp &&
        pod.status.phase === "Running" &&
        pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    )
    .map((pod) => pod.metadata.name);
}

export async function podOf(app: string): Promise<string> {
  return waitFor(async () => (await readyPods(app))[0], { what: `a Ready ${app} pod`, timeoutMs: 180_000 });
}

// Runs in the pods' own Node: no probe tool needs to be in the images.
const TCP_PROBE = `const s = require("net").connect({ host: process.argv[1], port: Number(process.argv[2]) });
s.setTimeout(3000);
s.on("connect", () => { console.log("open"); process.exit(0); });
s.on("timeout", () => { console.log("closed: timeout"); process.exit(0); });
s.on("error", (e) => { console.log("closed: " + e.code); process.exit(0); });`;
const DNS_PROBE = `require("dns").lookup(process.argv[1], (e, address) => { console.log(e ? "unresolved: " + e.code : address); });`;

/** "open" when a TCP connection from the pod to host:port is accepted within 3 s, else why not. */
export async function tcpFrom(pod: string, host: string, port: number): Promise<string> {
  return kubectl(["-n", NAMESPACE, "exec", pod, "--", "node", "-e", TCP_PROBE, host, String(port)]);
}

/** The address a name resolves to from the pod, or "unresolved: <code>". */
export async function resolveFrom(pod: string, name: string): Promise<string> {
  return kubectl(["-n", NAMESPACE, "exec", pod, "--", "node", "-e", DNS_PROBE, name]);
}

/** Waits until a Deployment or StatefulSet has rolled out. */
export async function rolledOut(kind: "deployment" | "statefulset", name: string): Promise<void> {
  await kubectl(["-n", NAMESPACE, "rollout", "status", `${kind}/${name}`, "--timeout=300s"]);
}

/** Waits until the router answers a catalogue query again (after a disruption). */
export async function routerAnswers(): Promise<void> {
  await waitFor(
    async () => {
      try {
        const { products } = await client().ProductListing({ first: 1 });
        return products.totalCount > 0 ? true : undefined;
      } catch {
        return undefined;
      }
    },
    { what: "the router to answer through the forward", timeoutMs: 180_000 },
  );
}
