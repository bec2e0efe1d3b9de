import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IProbe } from "kubernetes-models/v1/Probe";
import type { IService } from "kubernetes-models/v1/Service";
import { METRICS_PATH } from "@cartograph/service-kit/metrics";
import { LIVENESS_PATH, READINESS_PATH } from "@cartograph/service-kit/server";
import YAML from "yaml";
import { repoRoot, routerPorts, subgraphs } from "../subgraphs";
import {
  composeEnvExample,
  dependencyClosure,
  loadCompose,
  parseEnvFile,
  serviceEnvironment,
  type ComposeFile,
} from "./compose";
import {
  deployedApps,
  deployedServices,
  envProblems,
  k8sDir,
  renderKustomization,
  schemaDefault,
  STOREFRONT_VARIABLES,
  subgraphUrlVariable,
  type DeployedApp,
  type DeployedService,
  type K8sObject,
} from "./manifests";
import { selectorMatches } from "./policy";

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

const find = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const templateOf = (object: K8sObject | undefined) =>
  (object?.spec as { template?: IPodTemplateSpec } | undefined)?.template;

describe("kubernetes", () => {
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

  const podOf = (object: K8sObject | undefined) => templateOf(object)?.spec;

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
      expect({
        service: service.name,
        ports: container.ports?.filter((p) => p.name === "http").map((p) => p.containerPort),
      }).toEqual({
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

  test("metrics: a container port named metrics at the service's METRICS_PORT, annotated for scraping, in no Service", () => {
    expect(METRICS_PATH).toBe("/metrics");
    for (const service of services) {
      const metricsPort = metricsPortOf(service);
      const deployment = find(overlay, "Deployment", service.name)!;
      const container = podOf(deployment)!.containers[0]!;
      const { env } = resolvedEnv(container);
      expect({ service: service.name, env: env.METRICS_PORT, ports: container.ports }).toEqual({
        service: service.name,
        env: undefined, // the default applies, so the port and the config cannot drift apart
        ports: [
          { name: "http", containerPort: service.port, protocol: "TCP" },
          { name: "metrics", containerPort: metricsPort, protocol: "TCP" },
        ],
      });
      const template = templateOf(deployment)!;
      expect({ service: service.name, annotations: template.metadata?.annotations }).toEqual({
        service: service.name,
        annotations: {
          "prometheus.io/scrape": "true",
          "prometheus.io/port": String(metricsPort),
          "prometheus.io/path": METRICS_PATH,
        },
      });
      // The Ingress routes to Services; none of them may lead to the management port.
      const exposed = overlay
        .filter((o): o is K8sObject & IService => o.kind === "Service")
        .filter((k8sService) =>
          Object.entries(k8sService.spec?.selector ?? {}).every(
            ([key, value]) => template.metadata?.labels?.[key] === value,
          ),
        )
        .flatMap((k8sService) => (k8sService.spec?.ports ?? []).flatMap((port) => [port.port, port.targetPort]));
      expect({
        service: service.name,
        exposed: exposed.filter((port) => port === metricsPort || port === "metrics"),
      }).toEqual({
        service: service.name,
        exposed: [],
      });
    }
  });

  test("tracing: every Deployment reads OTEL_EXPORTER_OTLP_ENDPOINT from the ConfigMap, where it is empty (off)", () => {
    const config = find(overlay, "ConfigMap", "cartograph-config")!.data as Record<string, string>;
    expect(config.OTEL_EXPORTER_OTLP_ENDPOINT).toBe("");
    for (const service of services) {
      const container = podOf(find(overlay, "Deployment", service.name))!.containers[0]!;
      expect({
        service: service.name,
        from: container.env?.find((v) => v.name === "OTEL_EXPORTER_OTLP_ENDPOINT")?.valueFrom?.configMapKeyRef,
      }).toEqual({
        service: service.name,
        from: { name: "cartograph-config", key: "OTEL_EXPORTER_OTLP_ENDPOINT" },
      });
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

/** The METRICS_PORT a service serves on: scripts/subgraphs.ts says, and it must be its env schema's default. */
function metricsPortOf(service: DeployedService): number {
  const listed =
    service.kind === "router" ? routerPorts.metricsPort : subgraphs.find((s) => s.name === service.name)?.metricsPort;
  expect({ service: service.name, listed }).toEqual({
    service: service.name,
    listed: schemaDefault(service.schema, "METRICS_PORT"),
  });
  return listed!;
}

describe("monitoring (components/monitoring)", () => {
  let monitored: K8sObject[];
  beforeAll(() => {
    monitored = renderKustomization("overlays/k3s-monitoring");
  });
  const component = path.join(k8sDir, "components/monitoring");
  const dashboard = JSON.parse(readFileSync(path.join(component, "grafana-dashboard.json"), "utf8")) as {
    uid: string;
    panels: Array<{ type: string; title: string; datasource?: { uid: string }; targets?: Array<{ expr: string }> }>;
  };
  const rule = YAML.parse(readFileSync(path.join(component, "prometheus-rule.yaml"), "utf8")) as {
    spec: {
      groups: Array<{
        rules: Array<{
          alert?: string;
          expr: string;
          labels?: Record<string, string>;
          annotations?: Record<string, string>;
        }>;
      }>;
    };
  };

  /**
   * Every metric name the code declares: `name: "cartograph_…"` in packages, subgraphs and the
   * router (and `${prefix}_…` names with each `prefix: "cartograph_…"`), plus prom-client's
   * default metrics (process_*, nodejs_*), read from the prom-client service-kit uses.
   */
  const declaredMetrics = (): Set<string> => {
    const sources = [
      ...readdirSync(path.join(repoRoot, "packages")).map((p) => path.join(repoRoot, "packages", p, "src")),
      ...readdirSync(path.join(repoRoot, "subgraphs")).map((p) => path.join(repoRoot, "subgraphs", p, "src")),
      path.join(repoRoot, "router/src"),
    ];
    const text = sources
      .flatMap((dir) => {
        try {
          return readdirSync(dir, { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
            .map((f) => readFileSync(path.join(dir, f), "utf8"));
        } catch {
          return [];
        }
      })
      .join("\n");
    const names = new Set([...text.matchAll(/name: "(cartograph_[a-z0-9_]+)"/g)].map((m) => m[1]!));
    const suffixes = [...text.matchAll(/name: `\$\{prefix\}(_[a-z0-9_]+)`/g)].map((m) => m[1]!);
    for (const [, prefix] of text.matchAll(/prefix: "(cartograph_[a-z0-9_]+)"/g))
      for (const suffix of suffixes) names.add(`${prefix}${suffix}`);
    const promClient = path.dirname(
      createRequire(path.join(repoRoot, "packages/service-kit/package.json")).resolve("prom-client"),
    );
    const defaults = path.join(promClient, "lib/metrics");
    for (const file of readdirSync(defaults).filter((f) => f.endsWith(".js")))
      for (const [, name] of readFileSync(path.join(defaults, file), "utf8").matchAll(
        /['"]((?:process|nodejs)_[a-z0-9_]+)['"]/g,
      ))
        names.add(name!);
    return names;
  };
  /** Metric names a PromQL expression reads (a histogram's _bucket/_sum/_count as the histogram). */
  const metricsIn = (expr: string) =>
    [...expr.matchAll(/\b((?:cartograph|process|nodejs)_[a-z0-9_]+)\b/g)].map((m) => m[1]!);

  test("the PodMonitor scrapes the router's and every subgraph's pods, and nothing else, on the metrics port", () => {
    const monitor = find(monitored, "PodMonitor", "cartograph")! as K8sObject & {
      spec: {
        jobLabel: string;
        selector: Parameters<typeof selectorMatches>[0];
        podMetricsEndpoints: Array<{ port: string; path: string }>;
      };
    };
    expect(monitor.spec.jobLabel).toBe("app.kubernetes.io/name");
    expect(monitor.spec.podMetricsEndpoints.map((e) => [e.port, e.path])).toEqual([["metrics", METRICS_PATH]]);
    const scraped = monitored
      .filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind))
      .filter((o) => selectorMatches(monitor.spec.selector, templateOf(o)?.metadata?.labels ?? {}))
      .map((o) => `${o.kind}/${o.metadata.name}`);
    expect(scraped.sort()).toEqual(services.map((s) => `Deployment/${s.name}`).sort());
  });

  test("the dashboard and the alert rules read only metrics the code declares", () => {
    const declared = declaredMetrics();
    const known = (name: string) => declared.has(name) || declared.has(name.replace(/_(bucket|sum|count)$/, ""));
    const exprs = [
      ...dashboard.panels.flatMap((panel) =>
        (panel.targets ?? []).map((t) => ({ where: `panel ${panel.title}`, expr: t.expr })),
      ),
      ...rule.spec.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
    ];
    expect(exprs.length).toBeGreaterThan(20);
    const unknown = exprs.flatMap(({ where, expr }) =>
      metricsIn(expr)
        .filter((name) => !known(name))
        .map((name) => `${where}: ${name}`),
    );
    expect(unknown).toEqual([]);
    // The check itself must be able to fail.
    expect(known("cartograph_no_such_metric_total")).toBe(false);
    expect(known("process_cpu_seconds_total")).toBe(true);
  });

  test("every alert has a severity and a summary; every panel reads the chosen Prometheus", () => {
    for (const group of rule.spec.groups)
      for (const r of group.rules)
        expect({
          alert: r.alert,
          severity: ["warning", "critical"].includes(r.labels?.severity ?? ""),
          summary: typeof r.annotations?.summary,
        }).toEqual({
          alert: r.alert,
          severity: true,
          summary: "string",
        });
    for (const panel of dashboard.panels.filter((p) => p.type !== "row"))
      expect({ panel: panel.title, datasource: panel.datasource?.uid }).toEqual({
        panel: panel.title,
        datasource: "${datasource}",
      });
    const configMap = find(monitored, "ConfigMap", "cartograph-dashboard")!;
    expect(configMap.metadata.labels?.grafana_dashboard).toBe("1");
    expect(JSON.parse((configMap.data as Record<string, string>)["cartograph.json"]!).uid).toBe(dashboard.uid);
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

describe("the storefront (apps/storefront)", () => {
  let storefront: DeployedApp;
  let routerPort: number;
  beforeAll(() => {
    storefront = deployedApps().find((app) => app.name === "storefront")!;
    routerPort = services.find((s) => s.kind === "router")!.port;
  });
  const server = () => readFileSync(path.join(storefront.dir, "server.ts"), "utf8");
  /** The names its env sets must be ones server.ts reads, and the values what they must be. */
  const expectEnv = (where: string, env: Record<string, string | undefined>) => {
    expect({
      where,
      unread: Object.keys(env).filter((name) => !(STOREFRONT_VARIABLES as readonly string[]).includes(name)),
    }).toEqual({
      where,
      unread: [],
    });
    expect({
      where,
      NODE_ENV: env.NODE_ENV,
      HOST: env.HOST,
      PORT: Number(env.PORT),
      ROUTER_URL: env.ROUTER_URL,
    }).toEqual({
      where,
      NODE_ENV: "production",
      HOST: "0.0.0.0",
      PORT: storefront.port,
      ROUTER_URL: `http://router:${routerPort}`,
    });
  };

  test("server.ts still reads every variable the deployments may set, PORT defaulting to the image's port", () => {
    for (const name of STOREFRONT_VARIABLES)
      expect({ name, read: new RegExp(`\\b${name}\\s*:`).test(server()) }).toEqual({ name, read: true });
    expect(storefront.port).toBe(3000);
    const dockerfile = readFileSync(path.join(storefront.dir, "Dockerfile"), "utf8");
    expect(dockerfile).toContain(
      `ENV NODE_ENV=production HOST=0.0.0.0 PORT=${storefront.port} STOREFRONT_DIST=/app/public`,
    );
    expect(dockerfile).toContain(`EXPOSE ${storefront.port}`);
  });

  test("kubernetes: env, ports and /healthz probes at its port; no metrics port", () => {
    const deployment = find(overlay, "Deployment", "storefront");
    const container = templateOf(deployment)!.spec!.containers[0]!;
    const config = find(overlay, "ConfigMap", "cartograph-config")!.data as Record<string, string>;
    const env = Object.fromEntries(
      (container.env ?? []).map((v) => [
        v.name,
        v.valueFrom?.configMapKeyRef ? config[v.valueFrom.configMapKeyRef.key] : v.value,
      ]),
    );
    expect(container.envFrom).toBeUndefined();
    expect(env.LOG_LEVEL).toBe("info");
    expectEnv("Deployment/storefront", env);
    expect(container.ports).toEqual([{ name: "http", containerPort: storefront.port, protocol: "TCP" }]);
    expect(templateOf(deployment)!.metadata?.annotations).toBeUndefined();
    for (const probe of [container.readinessProbe, container.livenessProbe, container.startupProbe])
      expect(probe?.httpGet).toEqual({ path: LIVENESS_PATH, port: "http" });
    const k8sService = find(overlay, "Service", "storefront") as K8sObject & IService;
    expect(k8sService.spec?.ports?.map((p) => [p.port, p.targetPort])).toEqual([[storefront.port, storefront.port]]);
    const paths = (
      find(overlay, "Ingress", "router")!.spec as {
        rules: Array<{
          http: { paths: Array<{ path: string; backend: { service: { name: string; port: { number: number } } } }> };
        }>;
      }
    ).rules.flatMap((rule) =>
      rule.http.paths.map((p) => [p.path, p.backend.service.name, p.backend.service.port.number]),
    );
    expect(paths).toEqual([
      ["/graphql", "router", routerPort],
      ["/", "storefront", storefront.port],
    ]);
  });

  test("docker compose: built from its Dockerfile, env, /healthz, its port published, after the router", () => {
    const entry = compose.services.storefront!;
    expect({ image: entry.image, build: entry.build }).toEqual({
      image: "cartograph/storefront",
      build: { context: ".", dockerfile: "apps/storefront/Dockerfile" },
    });
    expectEnv("compose storefront", serviceEnvironment(entry, composeEnv));
    const match = /https?:\/\/[^/'"]+:(\d+)(\/[a-z]+)/.exec((entry.healthcheck?.test ?? []).join(" "));
    expect([Number(match?.[1]), match?.[2]]).toEqual([storefront.port, LIVENESS_PATH]);
    expect(entry.ports?.map((p) => p.split(":").pop())).toEqual([String(storefront.port)]);
    expect(entry.depends_on?.router).toEqual({ condition: "service_healthy" });
    expect(entry.read_only).toBe(true);
  });
});
