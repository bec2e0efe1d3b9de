import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IService } from "kubernetes-models/v1/Service";
import { LIVENESS_PATH, READINESS_PATH } from "@cartograph/service-kit/server";
import { repoRoot, subgraphs } from "../subgraphs";
import {
  composeEnvExample,
  dependencyClosure,
  loadCompose,
  parseEnvFile,
  serviceEnvironment,
  type ComposeFile,
} from "./compose";
import {
  deployedServices,
  envProblems,
  renderKustomization,
  subgraphUrlVariable,
  type DeployedService,
  type K8sObject,
} from "./manifests";

// What compose and k8s set, listen on and probe must be what each service reads and serves.
let services: DeployedService[];
let overlay: K8sObject[];
let demo: K8sObject[];
let compose: ComposeFile;
let composeEnv: Record<string, string>;

beforeAll(async () => {
  services = await deployedServices();
  overlay = renderKustomization("overlays/k3s");
  demo = renderKustomization("demo");
  compose = loadCompose();
  composeEnv = parseEnvFile(readFileSync(composeEnvExample, "utf8"));
});

test("the service list covers scripts/subgraphs.ts, every subgraph on disk and the router", () => {
  const names = services.map((s) => s.name);
  for (const entry of subgraphs) expect(names).toContain(entry.name);
  expect(names).toContain("router");
  for (const entry of subgraphs) expect(services.find((s) => s.name === entry.name)!.port).toBe(entry.port);
});

describe("kubernetes", () => {
  const find = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name);

  /** A container's env with ConfigMap and Secret references resolved from the rendered objects. */
  const resolvedEnv = (container: IContainer): { env: Record<string, string>; problems: string[] } => {
    const env: Record<string, string> = {};
    const problems: string[] = [];
    if (container.envFrom?.length) problems.push("uses envFrom: the names it sets cannot be checked");
    for (const variable of container.env ?? []) {
      const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
      if (configMapKeyRef) {
        const data = (find(overlay, "ConfigMap", configMapKeyRef.name ?? "")?.data ?? {}) as Record<string, string>;
        if (configMapKeyRef.key in data) env[variable.name] = data[configMapKeyRef.key]!;
        else problems.push(`${variable.name}: ConfigMap ${configMapKeyRef.name} has no ${configMapKeyRef.key}`);
      } else if (secretKeyRef) {
        const data = (find(overlay, "Secret", secretKeyRef.name ?? "")?.data ?? {}) as Record<string, string>;
        if (secretKeyRef.key in data)
          env[variable.name] = Buffer.from(data[secretKeyRef.key]!, "base64").toString("utf8");
        else problems.push(`${variable.name}: Secret ${secretKeyRef.name} has no ${secretKeyRef.key}`);
      } else if (variable.valueFrom) {
        problems.push(`${variable.name}: only values, ConfigMap and Secret keys are checked`);
      } else {
        env[variable.name] = variable.value ?? "";
      }
    }
    return { env, problems };
  };

  const podOf = (object: K8sObject | undefined) =>
    (object?.spec as { template?: IPodTemplateSpec } | undefined)?.template?.spec;

  const probePort = (probe: IProbe | undefined, container: IContainer) => {
    const port = probe?.httpGet?.port;
    return typeof port === "string" ? container.ports?.find((p) => p.name === port)?.containerPort : port;
  };

  test("each Deployment's env is exactly what its service reads, valid in production", () => {
    for (const service of services) {
      const container = podOf(find(overlay, "Deployment", service.name))?.containers[0];
      expect(container).toBeDefined();
      const { env, problems } = resolvedEnv(container!);
      expect({ service: service.name, problems: [...problems, ...envProblems(service, services, env)] }).toEqual({
        service: service.name,
        problems: [],
      });
      expect(env.NODE_ENV).toBe("production");
      expect(env.HOST).toBe("0.0.0.0");
    }
  });

  test("migration and seed Jobs set what their service reads, valid in production", () => {
    const jobs = [...overlay, ...demo].filter((o) => o.kind === "Job");
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      const service = services.find((s) => s.name === job.metadata.labels?.["app.kubernetes.io/name"]);
      expect(service).toBeDefined();
      const { env, problems } = resolvedEnv(podOf(job)!.containers[0]!);
      expect({ job: job.metadata.name, problems: [...problems, ...envProblems(service!, services, env)] }).toEqual({
        job: job.metadata.name,
        problems: [],
      });
    }
  });

  test("ports: containerPort, Service port and targetPort are the service's PORT", () => {
    for (const service of services) {
      const container = podOf(find(overlay, "Deployment", service.name))!.containers[0]!;
      expect({ service: service.name, ports: container.ports?.map((p) => p.containerPort) }).toEqual({
        service: service.name,
        ports: [service.port],
      });
      const { env } = resolvedEnv(container);
      expect(Number(env.PORT)).toBe(service.port);
      const k8sService = find(overlay, "Service", service.name) as (K8sObject & IService) | undefined;
      for (const port of k8sService?.spec?.ports ?? []) {
        const target =
          typeof port.targetPort === "string"
            ? container.ports?.find((p) => p.name === port.targetPort)?.containerPort
            : port.targetPort;
        expect({ service: service.name, port: port.port, target }).toEqual({
          service: service.name,
          port: service.port,
          target: service.port,
        });
      }
    }
  });

  test("probes: readiness on /readyz, liveness and startup on /healthz, at the service's port", () => {
    expect([READINESS_PATH, LIVENESS_PATH]).toEqual(["/readyz", "/healthz"]);
    for (const service of services) {
      const container = podOf(find(overlay, "Deployment", service.name))!.containers[0]!;
      const probes = {
        readiness: [container.readinessProbe?.httpGet?.path, probePort(container.readinessProbe, container)],
        liveness: [container.livenessProbe?.httpGet?.path, probePort(container.livenessProbe, container)],
        startup: [container.startupProbe?.httpGet?.path, probePort(container.startupProbe, container)],
      };
      expect({ service: service.name, probes }).toEqual({
        service: service.name,
        probes: {
          readiness: [READINESS_PATH, service.port],
          liveness: [LIVENESS_PATH, service.port],
          startup: [LIVENESS_PATH, service.port],
        },
      });
    }
  });

  test("the router's subgraph URLs and everyone's JWKS_URL point at the right Services and ports", () => {
    const router = services.find((s) => s.kind === "router")!;
    const { env: routerEnv } = resolvedEnv(podOf(find(overlay, "Deployment", router.name))!.containers[0]!);
    for (const subgraph of services.filter((s) => s.kind === "subgraph")) {
      expect(routerEnv[subgraphUrlVariable(subgraph.name)]).toBe(`http://${subgraph.name}:${subgraph.port}/graphql`);
    }
    const users = services.find((s) => s.name === "users")!;
    const config = find(overlay, "ConfigMap", "cartograph-config")!.data as Record<string, string>;
    expect(config.JWKS_URL).toBe(`http://users:${users.port}/.well-known/jwks.json`);
  });
});

describe("docker compose", () => {
  const healthUrl = (name: string) =>
    /https?:\/\/[^/'"]+:(\d+)(\/[a-z]+)/.exec((compose.services[name]?.healthcheck?.test ?? []).join(" "));

  test("every service, its migration and its seeds are there, built from their Dockerfiles", () => {
    for (const service of services) {
      const entry = compose.services[service.name];
      expect(entry).toBeDefined();
      const dockerfile = service.kind === "router" ? "router/Dockerfile" : `subgraphs/${service.name}/Dockerfile`;
      expect({ name: service.name, image: entry!.image, build: entry!.build }).toEqual({
        name: service.name,
        image: `cartograph/${service.name}`,
        build: { context: ".", dockerfile },
      });
      if (service.store)
        expect(compose.services[`${service.name}-migrate`]?.command).toEqual(["node", "dist/bin/migrate.js"]);
      if (service.seed) expect(compose.services[`${service.name}-seed`]?.command).toEqual(["node", "dist/bin/seed.js"]);
      else
        expect({ service: service.name, seedJob: compose.services[`${service.name}-seed`] }).toEqual({
          service: service.name,
          seedJob: undefined,
        });
    }
  });

  test("each container's env is exactly what its service reads, valid in production (values from env.example)", () => {
    for (const [name, entry] of Object.entries(compose.services)) {
      const service = services.find((s) => name === s.name || name.startsWith(`${s.name}-`));
      if (!service) continue; // datastores
      const env = serviceEnvironment(entry, composeEnv);
      expect({ name, problems: envProblems(service, services, env) }).toEqual({ name, problems: [] });
      if (name === service.name) expect(Number(env.PORT)).toBe(service.port);
    }
  });

  test("healthchecks probe /readyz on the service's port; the router publishes its port", () => {
    for (const service of services) {
      const match = healthUrl(service.name);
      expect({ name: service.name, port: Number(match?.[1]), path: match?.[2] }).toEqual({
        name: service.name,
        port: service.port,
        path: READINESS_PATH,
      });
    }
    const router = services.find((s) => s.kind === "router")!;
    expect(compose.services.router!.ports?.map((p) => p.split(":").pop())).toEqual([String(router.port)]);
    for (const service of services.filter((s) => s.kind === "subgraph"))
      expect(compose.services[service.name]!.ports).toBeUndefined();
  });

  test("datastores have volumes and healthchecks; depends_on names real services with conditions they can meet", () => {
    for (const name of ["postgres", "mongodb", "rabbitmq"]) {
      const entry = compose.services[name]!;
      expect(entry.healthcheck?.test?.length).toBeGreaterThan(0);
      const volume = entry.volumes?.[0]?.split(":")[0];
      expect(compose.volumes && volume && volume in compose.volumes).toBe(true);
    }
    for (const [name, entry] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(entry.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect({ name, dependency, exists: !!target }).toEqual({ name, dependency, exists: true });
        if (condition === "service_healthy")
          expect({ dependency, healthcheck: !!target!.healthcheck }).toEqual({ dependency, healthcheck: true });
        else if (condition === "service_completed_successfully")
          expect({ dependency, restart: target!.restart }).toEqual({ dependency, restart: "no" });
        else expect(condition).toBe("service_started");
      }
    }
  });

  test("start order as in pnpm start: migrations and before-start seeds first, consumers before later services, after-start seeds last", () => {
    const subgraphServices = services.filter((s) => s.kind === "subgraph");
    for (const service of subgraphServices) {
      const waitsFor = dependencyClosure(compose, service.name);
      if (service.store) {
        expect(waitsFor).toContain(`${service.name}-migrate`);
        expect(waitsFor).toContain(service.store);
      }
      if (service.usesEvents) expect(waitsFor).toContain("rabbitmq");
      if (service.seed === "before-start") expect(waitsFor).toContain(`${service.name}-seed`);
      if (service.seed === "after-start") {
        const seedWaitsFor = dependencyClosure(compose, `${service.name}-seed`);
        for (const other of [...subgraphServices.map((s) => s.name), "router"])
          expect({ seed: service.name, other, waits: seedWaitsFor.has(other) }).toEqual({
            seed: service.name,
            other,
            waits: true,
          });
      }
    }
    // scripts/subgraphs.ts: a service starts after every earlier one that consumes events.
    subgraphs.forEach((entry, index) => {
      const waitsFor = dependencyClosure(compose, entry.name);
      for (const earlier of subgraphs.slice(0, index).filter((e) => e.queues.length > 0)) {
        expect({ service: entry.name, earlier: earlier.name, waits: waitsFor.has(earlier.name) }).toEqual({
          service: entry.name,
          earlier: earlier.name,
          waits: true,
        });
      }
    });
    const routerWaitsFor = dependencyClosure(compose, "router");
    for (const service of subgraphServices) expect(routerWaitsFor).toContain(service.name);
  });
});

describe("docker compose's own loader", () => {
  // compose-go (what `docker compose` parses with): schema, interpolation, merges, depends_on.
  // Built first, so the tool's own output is judged, not Go's (a cold module cache prints
  // "go: downloading ..." on stderr).
  const composeCheckBinary = path.join(mkdtempSync(path.join(tmpdir(), "compose-check-")), "compose-check");
  beforeAll(() => {
    const build = spawnSync("go", ["build", "-o", composeCheckBinary, "."], {
      cwd: path.join(repoRoot, "tools/compose-check"),
      encoding: "utf8",
      timeout: 600_000,
    });
    if (build.status !== 0)
      throw new Error(`go build tools/compose-check failed (${build.status ?? build.signal}):\n${build.stderr}`);
  }, 600_000);
  const composeCheck = (file: string) =>
    spawnSync(composeCheckBinary, ["-file", file, "-env-file", composeEnvExample], {
      encoding: "utf8",
      timeout: 60_000,
    });

  test("accepts docker-compose.yml with env.example's values", () => {
    const result = composeCheck(path.join(repoRoot, "docker-compose.yml"));
    expect(result.stderr.trim()).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${Object.keys(compose.services).length} services: `));
  }, 300_000);

  test("refuses a copy that depends on a service that does not exist", () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), "compose-")), "docker-compose.yml");
    writeFileSync(
      broken,
      readFileSync(path.join(repoRoot, "docker-compose.yml"), "utf8").replace(
        "reviews: { condition: service_healthy }",
        "reviewz: { condition: service_healthy }",
      ),
    );
    const result = composeCheck(broken);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('undefined service "reviewz"');
  }, 300_000);
});
