import { readFileSync } from "node:fs";
import path from "node:path";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import {
  deployedApps,
  deployedServices,
  renderKustomization,
  type DeployedApp,
  type DeployedService,
  type K8sObject,
} from "./manifests";
import { checkPolicy, type PolicyOptions } from "./policy";
import { repoRoot } from "../subgraphs";
import { schemaProblems } from "./validate";

// kubectl kustomize renders k8s/; every object validates offline; the policy holds, and breaks when it should.
let base: K8sObject[];
let overlay: K8sObject[];
let monitored: K8sObject[];
let demo: K8sObject[];
let services: DeployedService[];
let apps: DeployedApp[];
let options: PolicyOptions;

beforeAll(async () => {
  base = renderKustomization("base");
  overlay = renderKustomization("overlays/k3s");
  monitored = renderKustomization("overlays/k3s-monitoring");
  demo = renderKustomization("demo");
  services = await deployedServices();
  apps = deployedApps();
  const subgraphs = services.filter((s) => s.kind === "subgraph");
  options = {
    namespace: "cartograph",
    router: "router",
    storefront: "storefront",
    subgraphs: subgraphs.map((s) => s.name),
    jwksProvider: "users",
    datastoreOwners: {
      postgres: subgraphs.filter((s) => s.store === "postgres").map((s) => s.name),
      mongodb: subgraphs.filter((s) => s.store === "mongodb").map((s) => s.name),
      rabbitmq: services.filter((s) => s.usesEvents).map((s) => s.name),
    },
    appUid: 1000,
    appImagePrefix: "cartograph/",
    monitoringNamespace: "monitoring",
    metricsPortName: "metrics",
    otlpPort: 4318,
    // Its SMTP server: 587 (submission, STARTTLS) or 465 (implicit TLS), whichever SMTP_URL names.
    externalEgress: { notifications: [587, 465] },
  };
});

const find = (objects: K8sObject[], kind: string, name: string): K8sObject => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} not rendered`);
  return found;
};
const templateOf = (object: K8sObject) => (object.spec as { template: IPodTemplateSpec }).template;
const firstContainer = (object: K8sObject): IContainer => templateOf(object).spec!.containers[0]!;
const messages = (objects: K8sObject[]) => checkPolicy(objects, options).map((v) => `${v.object}: ${v.message}`);

describe("rendering", () => {
  test("base, the k3s overlay and the demo seeds render", () => {
    for (const objects of [base, overlay, demo]) expect(objects.length).toBeGreaterThan(0);
    expect(base.some((o) => o.kind === "Secret")).toBe(false);
    expect(
      overlay
        .filter((o) => o.kind === "Secret")
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["cartograph-app", "cartograph-datastores"]);
    expect(demo.every((o) => o.kind === "Job" && o.metadata.namespace === "cartograph")).toBe(true);
  });

  test("every rendered object validates against the Kubernetes schemas", async () => {
    // The Prometheus Operator's kinds have no schema here: components/monitoring is checked in consistency.test.ts.
    const operatorKinds = (o: K8sObject) => o.apiVersion.startsWith("monitoring.coreos.com/");
    const objects = [...base, ...overlay, ...monitored.filter((o) => !operatorKinds(o)), ...demo];
    const problems = (await Promise.all(objects.map(schemaProblems))).flat();
    expect(problems).toEqual([]);
  });

  test("the monitoring overlay is k3s plus a PodMonitor, the alert rules and the dashboard", () => {
    const key = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;
    const added = monitored.filter((o) => !overlay.some((p) => key(p) === key(o))).map(key);
    expect(added.sort()).toEqual([
      "ConfigMap/cartograph-dashboard",
      "PodMonitor/cartograph",
      "PrometheusRule/cartograph",
    ]);
    for (const object of monitored)
      expect({ object: key(object), namespace: object.metadata.namespace }).toEqual({
        object: key(object),
        namespace: object.kind === "Namespace" ? undefined : "cartograph",
      });
  });

  test("the schema validation catches a malformed object", async () => {
    const deployment = structuredClone(find(overlay, "Deployment", "users"));
    (firstContainer(deployment).ports![0] as { containerPort: unknown }).containerPort = "4001";
    expect(await schemaProblems(deployment)).toEqual([expect.stringContaining("containerPort must be integer")]);
    expect(await schemaProblems({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } })).toEqual([
      "Widget/w: no schema for example.com/v1 Widget",
    ]);
  });

  test("every service and the storefront have a Deployment, Service, HPA and PDB; every datastore a StatefulSet on local-path", () => {
    expect(apps.map((app) => app.name)).toEqual(["storefront"]);
    for (const service of [...services, ...apps]) {
      const deployment = find(overlay, "Deployment", service.name);
      expect(find(overlay, "Service", service.name)).toBeDefined();
      const hpa = find(overlay, "HorizontalPodAutoscaler", service.name);
      expect(hpa.apiVersion).toBe("autoscaling/v2");
      expect((hpa.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef).toMatchObject({
        kind: "Deployment",
        name: service.name,
      });
      const pdb = find(overlay, "PodDisruptionBudget", service.name);
      expect((pdb.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels).toEqual(
        templateOf(deployment).metadata?.labels,
      );
      // HPA owns the replica count: a fixed one would be reset on every apply.
      expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
    }
    for (const name of ["postgres", "mongodb", "rabbitmq"]) {
      const claims = (
        find(overlay, "StatefulSet", name).spec as {
          volumeClaimTemplates: Array<{ spec: { storageClassName?: string } }>;
        }
      ).volumeClaimTemplates;
      expect(claims.map((c) => c.spec.storageClassName)).toEqual(["local-path"]);
    }
  });

  test("sizing per docs/scaling.md: half a core per replica in the base, autoscaled on that absolute figure; one node asks for less", () => {
    const local = renderKustomization("overlays/local");
    for (const service of [...services, ...apps]) {
      const target = (find(base, "HorizontalPodAutoscaler", service.name).spec as { metrics: unknown[] }).metrics;
      expect([service.name, target]).toEqual([
        service.name,
        [{ type: "Resource", resource: { name: "cpu", target: { type: "AverageValue", averageValue: "500m" } } }],
      ]);
      const cpu = (objects: K8sObject[]) => firstContainer(find(objects, "Deployment", service.name)).resources;
      // The storefront, unmeasured and serving static files, asks for less than the services.
      expect([service.name, cpu(base)]).toMatchObject([
        service.name,
        { requests: { cpu: service.name === "storefront" ? "100m" : "500m" }, limits: { cpu: "1" } },
      ]);
      for (const oneNode of [overlay, local])
        expect([service.name, cpu(oneNode)]).toMatchObject([
          service.name,
          { requests: { cpu: "50m" }, limits: { cpu: "1" } },
        ]);
      expect(find(overlay, "HorizontalPodAutoscaler", service.name).spec).toEqual(
        find(base, "HorizontalPodAutoscaler", service.name).spec,
      );
    }
  });

  test("a migration Job for every service with a datastore; demo seeds per scripts/subgraphs.ts", () => {
    for (const service of services.filter((s) => s.store))
      expect(find(overlay, "Job", `${service.name}-migrate`)).toBeDefined();
    for (const service of services.filter((s) => s.seed)) {
      const seed = find(demo, "Job", `${service.name}-seed`);
      expect(seed.metadata.labels?.["cartograph.dev/seed-phase"]).toBe(service.seed);
    }
  });

  test("the Traefik ingress reaches the router's /graphql, and the storefront for everything else", () => {
    const ingresses = overlay.filter((o) => o.kind === "Ingress");
    expect(ingresses).toHaveLength(1);
    expect(ingresses[0]!.spec).toMatchObject({
      ingressClassName: "traefik",
      rules: [
        {
          http: {
            paths: [
              { path: "/graphql", pathType: "Prefix", backend: { service: { name: "router" } } },
              { path: "/", pathType: "Prefix", backend: { service: { name: "storefront" } } },
            ],
          },
        },
      ],
    });
  });

  test("the router believes X-Forwarded-For from its cluster's pod network only: k3s' default, the local cluster's own", () => {
    const trustedProxies = (objects: K8sObject[]) => {
      const config = find(objects, "ConfigMap", "cartograph-config") as K8sObject & { data: Record<string, string> };
      const env = firstContainer(find(objects, "Deployment", "router")).env ?? [];
      expect(env.find((variable) => variable.name === "TRUSTED_PROXIES")?.valueFrom?.configMapKeyRef).toEqual({
        name: "cartograph-config",
        key: "TRUSTED_PROXIES",
      });
      return config.data.TRUSTED_PROXIES;
    };
    expect(trustedProxies(overlay)).toBe("10.42.0.0/16");
    const clusterPodCidr = readFileSync(path.join(repoRoot, "scripts/k8s/cluster/lib.sh"), "utf8").match(
      /^POD_CIDR=(\S+)$/m,
    )?.[1];
    expect(clusterPodCidr).toBeDefined();
    expect(trustedProxies(renderKustomization("overlays/local"))).toBe(clusterPodCidr);
  });
});

describe("policy", () => {
  test("the real manifests pass", () => {
    expect(messages([...overlay, ...demo])).toEqual([]);
    expect(messages(base)).toEqual([]);
    expect(messages(monitored)).toEqual([]);
  });

  const broken = (mutate: (objects: K8sObject[]) => void): string[] => {
    const copy = structuredClone(overlay);
    mutate(copy);
    return messages(copy);
  };

  test("a missing probe is flagged", () => {
    expect(broken((o) => delete firstContainer(find(o, "Deployment", "users")).readinessProbe)).toContain(
      "Deployment/users container users: has no readinessProbe",
    );
    expect(broken((o) => delete firstContainer(find(o, "Deployment", "router")).startupProbe)).toContain(
      "Deployment/router container router: has no startupProbe",
    );
    expect(broken((o) => delete firstContainer(find(o, "StatefulSet", "postgres")).livenessProbe)).toContain(
      "StatefulSet/postgres container postgres: has no livenessProbe",
    );
  });

  test("a missing limit or request is flagged", () => {
    expect(broken((o) => delete firstContainer(find(o, "Deployment", "router")).resources!.limits!.memory)).toContain(
      "Deployment/router container router: has no memory limit",
    );
    expect(broken((o) => delete firstContainer(find(o, "Job", "orders-migrate")).resources!.requests)).toContain(
      "Job/orders-migrate container migration: has no cpu request",
    );
  });

  test.each([
    ["readOnlyRootFilesystem", "securityContext.readOnlyRootFilesystem is not true"],
    ["allowPrivilegeEscalation", "securityContext.allowPrivilegeEscalation is not false"],
    ["capabilities", "securityContext.capabilities.drop does not include ALL"],
  ] as const)("a container without %s is flagged", (field, message) => {
    expect(broken((o) => delete firstContainer(find(o, "Deployment", "products")).securityContext![field])).toContain(
      `Deployment/products container products: ${message}`,
    );
  });

  test("pod-level security fields missing everywhere are flagged", () => {
    const strip = (o: K8sObject[]) => {
      const deployment = find(o, "Deployment", "payments");
      const spec = templateOf(deployment).spec!;
      delete spec.securityContext;
      delete firstContainer(deployment).securityContext!.seccompProfile;
      delete firstContainer(deployment).securityContext!.runAsNonRoot;
      spec.automountServiceAccountToken = true;
    };
    expect(broken(strip)).toEqual(
      expect.arrayContaining([
        "Deployment/payments container payments: securityContext.seccompProfile.type is not RuntimeDefault",
        "Deployment/payments container payments: securityContext.runAsNonRoot is not true",
        "Deployment/payments: automountServiceAccountToken is not false",
      ]),
    );
  });

  test("a NetworkPolicy opening a subgraph to all is flagged", () => {
    const openProducts: K8sObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "products-open", namespace: "cartograph" },
      spec: { podSelector: { matchLabels: { "app.kubernetes.io/name": "products" } }, ingress: [{}] },
    };
    const result = broken((o) => o.push(openProducts));
    expect(result).toContain("Deployment/products: subgraph products is reachable from a pod in another namespace");
    expect(result).toContain("Deployment/products: subgraph products is reachable from Deployment/orders");
  });

  test("a subgraph opened to its namespace, or JWKS clients let into another subgraph, is flagged", () => {
    const result = broken((o) => {
      const policy = find(o, "NetworkPolicy", "subgraphs-from-router") as K8sObject & {
        spec: { ingress: Array<{ from: unknown[] }> };
      };
      policy.spec.ingress[0]!.from.push({ podSelector: {} });
    });
    expect(result).toContain(
      "Deployment/inventory: subgraph inventory is reachable from an unlabelled pod in the namespace",
    );
    expect(result).toContain("Deployment/inventory: subgraph inventory is reachable from Job/inventory-migrate");
  });

  test("without the default deny everything is reachable, and that is flagged", () => {
    const result = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "default-deny")), 1));
    expect(result).toContain("Namespace/cartograph: has no default-deny NetworkPolicy for ingress and egress");
  });

  test("a datastore reachable beyond its owners is flagged", () => {
    const result = broken((o) => {
      const policy = find(o, "NetworkPolicy", "postgres-from-owners") as K8sObject & {
        spec: { ingress: Array<{ from: unknown[] }> };
      };
      policy.spec.ingress[0]!.from = [{ namespaceSelector: {} }];
    });
    expect(result).toContain("StatefulSet/postgres: datastore postgres is reachable from Deployment/reviews");
    expect(result).toContain("StatefulSet/postgres: datastore postgres is reachable from a pod in another namespace");
  });

  test("a policy that cuts a needed path is flagged", () => {
    const result = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "users-jwks-from-subgraphs")), 1));
    expect(result).toContain("Deployment/orders: cannot reach users (JWKS)");
  });

  test("an exposed subgraph Service or an ingress to a subgraph is flagged", () => {
    expect(broken((o) => ((find(o, "Service", "users").spec as { type: string }).type = "NodePort"))).toContain(
      "Service/users: is of type NodePort but selects something other than the router or the storefront",
    );
    expect(broken((o) => ((find(o, "Service", "storefront").spec as { type: string }).type = "NodePort"))).toEqual([]);
    const toProducts = broken((o) => {
      const ingress = find(o, "Ingress", "router") as K8sObject & {
        spec: { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string } } }> } }> };
      };
      ingress.spec.rules[0]!.http.paths[0]!.backend.service.name = "products";
    });
    expect(toProducts).toContain("Ingress/router: routes to products, not the router or the storefront");
  });

  type IngressPolicy = K8sObject & { spec: { ingress: Array<{ from: unknown[] }> } };
  type EgressPolicy = K8sObject & { spec: { egress: Array<{ to: unknown[] }> } };

  test("the storefront opened beyond the ingress controller, or let reach more than the router, is flagged", () => {
    const opened = broken((o) =>
      (find(o, "NetworkPolicy", "storefront-from-ingress") as IngressPolicy).spec.ingress[0]!.from.push({
        podSelector: {},
      }),
    );
    expect(opened).toEqual(
      expect.arrayContaining([
        "Deployment/storefront: the storefront is reachable from an unlabelled pod in the namespace",
        "Deployment/storefront: the storefront is reachable from Deployment/orders",
      ]),
    );
    const reachesAll = broken((o) =>
      (find(o, "NetworkPolicy", "storefront-to-router") as EgressPolicy).spec.egress.push({
        to: [{ podSelector: {} }],
      }),
    );
    expect(reachesAll).toContain("Deployment/storefront: reaches StatefulSet/postgres");
    expect(reachesAll).toContain("Deployment/storefront: reaches Deployment/users");
  });

  test("the router opened to any pod of the storefront's namespace is flagged, and so is a storefront cut from the router", () => {
    const opened = broken((o) =>
      (find(o, "NetworkPolicy", "router-from-storefront") as IngressPolicy).spec.ingress[0]!.from.push({
        podSelector: {},
      }),
    );
    expect(opened).toContain("Deployment/router: the router is reachable from Deployment/users");
    expect(opened).not.toContain("Deployment/router: the router is reachable from Deployment/storefront");
    const cut = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "router-from-storefront")), 1));
    expect(cut).toEqual(["Deployment/storefront: cannot reach the router"]);
    const unreachable = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "storefront-from-ingress")), 1));
    expect(unreachable).toEqual(["Deployment/storefront: is not reachable from the ingress controller"]);
  });

  test("a metrics port opened beyond the monitoring namespace, or monitoring let into the API, is flagged", () => {
    type Policy = K8sObject & {
      spec: { ingress: Array<{ from: unknown[]; ports: Array<{ port: number | string }> }> };
    };
    const toNamespace = broken((o) =>
      (find(o, "NetworkPolicy", "metrics-from-monitoring") as Policy).spec.ingress[0]!.from.push({ podSelector: {} }),
    );
    expect(toNamespace).toContain(
      "Deployment/orders: metrics port 9404 is reachable from an unlabelled pod in the namespace",
    );
    expect(toNamespace).toContain("Deployment/router: metrics port 9400 is reachable from Job/orders-migrate");
    const intoApi = broken((o) =>
      (find(o, "NetworkPolicy", "metrics-from-monitoring") as Policy).spec.ingress[0]!.ports.push({ port: 4004 }),
    );
    expect(intoApi).toContain(
      "Deployment/orders: subgraph orders is reachable from Prometheus in the monitoring namespace",
    );
    expect(intoApi).not.toContain(
      "Deployment/users: subgraph users is reachable from Prometheus in the monitoring namespace",
    );
  });

  test("a service Prometheus cannot scrape, or that cannot send traces, is flagged", () => {
    const unscraped = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "metrics-from-monitoring")), 1));
    expect(unscraped).toContain(
      "Deployment/payments: metrics port 9405 is not reachable from Prometheus in the monitoring namespace",
    );
    const withoutPort = broken((o) => firstContainer(find(o, "Deployment", "reviews")).ports!.splice(1, 1));
    expect(withoutPort).toContain("Deployment/reviews: has no container port named metrics");
    const untraced = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "otlp-to-monitoring")), 1));
    expect(untraced).toContain("Deployment/router: cannot reach an OTLP collector in the monitoring namespace on 4318");
  });

  test("only notifications leaves the cluster, only for SMTP, and it can", () => {
    type Policy = K8sObject & { spec: { egress: Array<{ ports: Array<{ port: number }> }> } };
    const productsOut: K8sObject = {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "products-out", namespace: "cartograph" },
      spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "products" } },
        policyTypes: ["Egress"],
        egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
      },
    };
    expect(broken((o) => o.push(productsOut))).toEqual(
      expect.arrayContaining([
        "Deployment/products: reaches an address outside the cluster on any port",
        "Job/products-migrate: reaches an address outside the cluster on any port",
      ]),
    );
    const https = broken((o) =>
      (find(o, "NetworkPolicy", "notifications-to-smtp") as Policy).spec.egress[0]!.ports.push({ port: 443 }),
    );
    expect(https).toEqual(["Deployment/notifications: reaches an address outside the cluster on TCP 443"]);
    const cut = broken((o) => o.splice(o.indexOf(find(o, "NetworkPolicy", "notifications-to-smtp")), 1));
    expect(cut).toEqual([
      "Deployment/notifications: cannot reach an address outside the cluster on 587",
      "Deployment/notifications: cannot reach an address outside the cluster on 465",
    ]);
  });
});
