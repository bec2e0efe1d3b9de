import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { IPodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
import type { IService } from "kubernetes-models/v1/Service";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { INetworkPolicyPeer } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer";
import type { INetworkPolicyPort } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicyPort";
import type { K8sObject } from "./manifests";

/**
 * The deployment rules CI enforces on rendered manifests (pure: objects in, violations out).
 * Workloads are told apart by `app.kubernetes.io/name` (router, storefront, a subgraph, a datastore) and
 * `app.kubernetes.io/component` (server, migration, seed, datastore).
 */
export interface PolicyOptions {
  namespace: string;
  router: string;
  /**
   * The web shop's server: the ingress controller's to reach, as the router is; it reaches the
   * router and nothing else of ours.
   */
  storefront: string;
  subgraphs: string[];
  /** The JWKS publisher every subgraph may call. */
  jwksProvider: string;
  /** Datastore name -> the services whose pods (any component) may reach it. */
  datastoreOwners: Record<string, string[]>;
  /** Images of ours run as this uid (the image contract). */
  appUid: number;
  appImagePrefix: string;
  /** Prometheus and the OTLP collector live there: it may scrape the metrics port, and only that. */
  monitoringNamespace: string;
  /** The container port every service serves `/metrics` on (METRICS_PORT). */
  metricsPortName: string;
  /** Where traces go in the monitoring namespace (OTLP over HTTP). */
  otlpPort: number;
  /**
   * The servers that may open connections out of the cluster, and the TCP ports they may use
   * (notifications: its SMTP server). Every other pod stays inside; these must be able to get out.
   */
  externalEgress: Record<string, number[]>;
}

export interface Violation {
  object: string;
  message: string;
}

const NAME = "app.kubernetes.io/name";
const COMPONENT = "app.kubernetes.io/component";
const LONG_RUNNING = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);
type Labels = Record<string, string>;
type Selector = NonNullable<INetworkPolicy["spec"]>["podSelector"];

interface Workload {
  ref: string;
  kind: string;
  template: IPodTemplateSpec;
}

function podTemplate(object: K8sObject): IPodTemplateSpec | undefined {
  const spec = object.spec as
    | { template?: IPodTemplateSpec; jobTemplate?: { spec?: { template?: IPodTemplateSpec } } }
    | undefined;
  if (object.kind === "CronJob") return spec?.jobTemplate?.spec?.template;
  if (object.kind === "Pod") return { metadata: object.metadata, spec: object.spec as IPodSpec };
  return spec?.template;
}

const refOf = (object: K8sObject) => `${object.kind}/${object.metadata.name}`;

export function workloads(objects: K8sObject[]): Workload[] {
  return objects.flatMap((object) => {
    const template = podTemplate(object);
    return template?.spec ? [{ ref: refOf(object), kind: object.kind, template }] : [];
  });
}

// --- containers -----------------------------------------------------------------------------

function containerViolations(workload: Workload, options: PolicyOptions): Violation[] {
  const violations: Violation[] = [];
  const spec = workload.template.spec!;
  const add = (container: string, message: string) =>
    violations.push({ object: `${workload.ref} container ${container}`, message });
  if (spec.automountServiceAccountToken !== false)
    violations.push({ object: workload.ref, message: "automountServiceAccountToken is not false" });
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC)
    violations.push({ object: workload.ref, message: "uses the host's network, PID or IPC namespace" });
  const podSecurity = spec.securityContext ?? {};
  const all: Array<[IContainer, boolean]> = [
    ...(spec.initContainers ?? []).map((c): [IContainer, boolean] => [c, false]),
    ...spec.containers.map((c): [IContainer, boolean] => [c, true]),
  ];
  for (const [container, main] of all) {
    if (main && LONG_RUNNING.has(workload.kind)) {
      for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"] as const) {
        if (!container[probe]) add(container.name, `has no ${probe}`);
      }
    }
    for (const bound of ["requests", "limits"] as const) {
      for (const resource of ["cpu", "memory"]) {
        if (container.resources?.[bound]?.[resource] === undefined)
          add(container.name, `has no ${resource} ${bound === "requests" ? "request" : "limit"}`);
      }
    }
    const security = container.securityContext ?? {};
    const runAsNonRoot = security.runAsNonRoot ?? podSecurity.runAsNonRoot;
    const runAsUser = security.runAsUser ?? podSecurity.runAsUser;
    const seccomp = security.seccompProfile?.type ?? podSecurity.seccompProfile?.type;
    if (runAsNonRoot !== true) add(container.name, "securityContext.runAsNonRoot is not true");
    if (runAsUser === undefined || runAsUser === 0)
      add(container.name, "securityContext.runAsUser is not a non-root uid");
    else if (container.image?.startsWith(options.appImagePrefix) && runAsUser !== options.appUid)
      add(container.name, `securityContext.runAsUser is not ${options.appUid}`);
    if (security.readOnlyRootFilesystem !== true)
      add(container.name, "securityContext.readOnlyRootFilesystem is not true");
    if (security.allowPrivilegeEscalation !== false)
      add(container.name, "securityContext.allowPrivilegeEscalation is not false");
    if (security.privileged) add(container.name, "is privileged");
    if (!security.capabilities?.drop?.includes("ALL"))
      add(container.name, "securityContext.capabilities.drop does not include ALL");
    if ((security.capabilities?.add ?? []).length > 0) add(container.name, "adds capabilities");
    if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost")
      add(container.name, "securityContext.seccompProfile.type is not RuntimeDefault");
  }
  return violations;
}

// --- label selectors and network reachability ----------------------------------------------

export function selectorMatches(selector: Selector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false;
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = key in labels;
    const ok =
      operator === "In"
        ? has && values.includes(labels[key]!)
        : operator === "NotIn"
          ? !has || !values.includes(labels[key]!)
          : operator === "Exists"
            ? has
            : operator === "DoesNotExist"
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** A pod that might send traffic: ours, or the synthetic strangers every policy is tested against. */
export interface Peer {
  description: string;
  namespace: string;
  namespaceLabels: Labels;
  labels: Labels;
  /** Outside the cluster: only ipBlock peers admit it. */
  external?: boolean;
}

function peerAdmits(peer: INetworkPolicyPeer, policyNamespace: string, source: Peer): boolean {
  // Conservative: an ipBlock may cover cluster and outside addresses alike.
  if (peer.ipBlock) return true;
  if (source.external) return false;
  if (peer.namespaceSelector) {
    if (!selectorMatches(peer.namespaceSelector, source.namespaceLabels)) return false;
    return peer.podSelector ? selectorMatches(peer.podSelector, source.labels) : true;
  }
  if (peer.podSelector) return source.namespace === policyNamespace && selectorMatches(peer.podSelector, source.labels);
  return false;
}

const policyTypes = (policy: INetworkPolicy) =>
  policy.spec?.policyTypes ?? (policy.spec?.egress ? ["Ingress", "Egress"] : ["Ingress"]);

/** A TCP port of the target pod: its number and, when the container names it, its name. */
export interface TargetPort {
  number: number;
  name?: string;
}

/** Whether a rule's `ports` let a connection to `port` through (no list: every port; a name: the target's container port of that name). */
function portsAdmit(ports: INetworkPolicyPort[] | undefined, port: TargetPort | undefined): boolean {
  if (!port || !ports || ports.length === 0) return true;
  return ports.some((rule) => {
    if ((rule.protocol ?? "TCP") !== "TCP") return false;
    if (rule.port === undefined) return true;
    if (typeof rule.port === "string") return rule.port === port.name;
    return rule.endPort === undefined
      ? rule.port === port.number
      : rule.port <= port.number && port.number <= rule.endPort;
  });
}

interface Rule {
  peers: INetworkPolicyPeer[] | undefined;
  ports: INetworkPolicyPort[] | undefined;
}

/** The rules of the policies that select `pod` for `type` traffic; undefined when none does (all traffic flows). */
function rulesFor(policies: INetworkPolicy[], pod: Peer, type: "Ingress" | "Egress"): Rule[] | undefined {
  if (pod.external) return undefined;
  const selecting = policies.filter(
    (p) =>
      (p.metadata?.namespace ?? pod.namespace) === pod.namespace &&
      policyTypes(p).includes(type) &&
      selectorMatches(p.spec?.podSelector, pod.labels),
  );
  if (selecting.length === 0) return undefined;
  return selecting.flatMap((policy) =>
    type === "Ingress"
      ? (policy.spec?.ingress ?? []).map((rule) => ({ peers: rule.from, ports: rule.ports }))
      : (policy.spec?.egress ?? []).map((rule) => ({ peers: rule.to, ports: rule.ports })),
  );
}

// A rule without peers admits everyone; a policy without rules admits no one.
const ruleAdmits = (rule: Rule, namespace: string, other: Peer) =>
  !rule.peers || rule.peers.length === 0 || rule.peers.some((peer) => peerAdmits(peer, namespace, other));

/**
 * Whether the policies let `source` open a connection to `target`: ingress at the target, egress
 * at the source; on `port` of the target, or on any port when it is not given.
 */
export function allows(
  policies: INetworkPolicy[],
  source: Peer,
  target: Peer,
  direction: "ingress" | "egress" | "both" = "both",
  port?: TargetPort,
): boolean {
  const side = (pod: Peer, type: "Ingress" | "Egress", other: Peer) => {
    const rules = rulesFor(policies, pod, type);
    return !rules || rules.some((rule) => portsAdmit(rule.ports, port) && ruleAdmits(rule, pod.namespace, other));
  };
  const ingressOk = direction === "egress" || side(target, "Ingress", source);
  const egressOk = direction === "ingress" || side(source, "Egress", target);
  return ingressOk && egressOk;
}

/**
 * Whether `source` reaches `target` on no port but `only`: every ingress rule admitting it names
 * its ports, and none of them is another of the target's container ports.
 */
function reachableOnlyOn(
  policies: INetworkPolicy[],
  source: Peer,
  target: Peer,
  only: TargetPort,
  declared: TargetPort[],
): boolean {
  const rules = rulesFor(policies, target, "Ingress");
  if (!rules) return false;
  const others = declared.filter((port) => port.number !== only.number);
  return rules
    .filter((rule) => ruleAdmits(rule, target.namespace, source))
    .every((rule) => !!rule.ports?.length && !others.some((port) => portsAdmit(rule.ports, port)));
}

// --- the whole check ------------------------------------------------------------------------

export function checkPolicy(objects: K8sObject[], options: PolicyOptions): Violation[] {
  const violations: Violation[] = [];
  const all = workloads(objects);
  for (const workload of all) violations.push(...containerViolations(workload, options));

  const labelsOf = (w: Workload): Labels => w.template.metadata?.labels ?? {};
  const isServer = (labels: Labels, name: string) => labels[NAME] === name && labels[COMPONENT] === "server";
  const routerPods = all.filter((w) => isServer(labelsOf(w), options.router));
  const storefrontPods = all.filter((w) => isServer(labelsOf(w), options.storefront));

  // Services: subgraphs and datastores stay inside the cluster; only the router and the storefront
  // are meant to be exposed (via the Ingress).
  const services = objects.filter((o): o is K8sObject & IService => o.kind === "Service");
  const selects = (service: IService, labels: Labels) => {
    const selector = service.spec?.selector;
    return (
      !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v)
    );
  };
  const onlyOneOf = (service: IService, pods: Workload[]) => {
    const selected = all.filter((w) => selects(service, labelsOf(w)));
    return selected.length > 0 && selected.every((w) => pods.includes(w));
  };
  const exposable = (service: IService) => onlyOneOf(service, routerPods) || onlyOneOf(service, storefrontPods);
  for (const service of services) {
    const type = service.spec?.type ?? "ClusterIP";
    if ((type === "NodePort" || type === "LoadBalancer") && !exposable(service)) {
      violations.push({
        object: `Service/${service.metadata?.name}`,
        message: `is of type ${type} but selects something other than the router or the storefront`,
      });
    }
    if (type === "ExternalName")
      violations.push({ object: `Service/${service.metadata?.name}`, message: "is of type ExternalName" });
  }

  // Ingresses: every backend is a Service that selects the router's pods only, or the storefront's only.
  const servicesByName = new Map(services.map((s) => [s.metadata?.name, s]));
  for (const ingress of objects.filter((o): o is K8sObject & IIngress => o.kind === "Ingress")) {
    const backends = [
      ...(ingress.spec?.defaultBackend ? [ingress.spec.defaultBackend] : []),
      ...(ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((p) => p.backend)),
    ];
    for (const backend of backends) {
      const target = backend.service ? servicesByName.get(backend.service.name) : undefined;
      if (!target || !exposable(target)) {
        violations.push({
          object: `Ingress/${ingress.metadata?.name}`,
          message: `routes to ${backend.service?.name ?? "a non-Service backend"}, not the router or the storefront`,
        });
      }
    }
  }

  // Network policies: who may reach what, computed from the policies themselves.
  const policies = objects.filter((o): o is K8sObject & INetworkPolicy => o.kind === "NetworkPolicy");
  const namespaceObject = objects.find((o) => o.kind === "Namespace" && o.metadata.name === options.namespace);
  const namespaceLabels = {
    ...(namespaceObject?.metadata.labels ?? {}),
    "kubernetes.io/metadata.name": options.namespace,
  };
  const ours = (w: Workload): Peer => ({
    description: w.ref,
    namespace: options.namespace,
    namespaceLabels,
    labels: labelsOf(w),
  });
  const ingressController: Peer = {
    description: "the ingress controller (Traefik in kube-system)",
    namespace: "kube-system",
    namespaceLabels: { "kubernetes.io/metadata.name": "kube-system" },
    labels: { [NAME]: "traefik" },
  };
  const kubeDns: Peer = { ...ingressController, description: "kube-dns", labels: { "k8s-app": "kube-dns" } };
  const strangers: Peer[] = [
    { description: "an unlabelled pod in the namespace", namespace: options.namespace, namespaceLabels, labels: {} },
    {
      description: "a pod in another namespace",
      namespace: "elsewhere",
      namespaceLabels: { "kubernetes.io/metadata.name": "elsewhere" },
      labels: {},
    },
    { description: "a client outside the cluster", namespace: "", namespaceLabels: {}, labels: {}, external: true },
  ];
  const monitoring: Peer = {
    description: `Prometheus in the ${options.monitoringNamespace} namespace`,
    namespace: options.monitoringNamespace,
    namespaceLabels: { "kubernetes.io/metadata.name": options.monitoringNamespace },
    labels: {},
  };
  const sources = [...all.map(ours), ingressController, monitoring, ...strangers];

  const hasDefaultDeny = policies.some(
    (p) =>
      Object.keys(p.spec?.podSelector ?? {}).length === 0 &&
      ["Ingress", "Egress"].every((t) => policyTypes(p).includes(t as "Ingress")) &&
      !p.spec?.ingress?.length &&
      !p.spec?.egress?.length,
  );
  if (!hasDefaultDeny)
    violations.push({
      object: `Namespace/${options.namespace}`,
      message: "has no default-deny NetworkPolicy for ingress and egress",
    });

  const reachableFrom = (target: Workload, allowed: (source: Peer) => boolean, what: string) => {
    for (const source of sources) {
      if (source.description === target.ref) continue;
      if (allows(policies, source, ours(target), "ingress") && !allowed(source)) {
        violations.push({ object: target.ref, message: `${what} is reachable from ${source.description}` });
      }
    }
  };
  const serverOf = (labels: Labels, names: string[]) =>
    labels[COMPONENT] === "server" && names.includes(labels[NAME] ?? "");
  const portsOf = (w: Workload): TargetPort[] =>
    w.template.spec!.containers.flatMap((c) => c.ports ?? []).map((p) => ({ number: p.containerPort, name: p.name }));
  // Prometheus may reach a service, but on its metrics port alone; and no one else reaches that port.
  const scrapedOnly = (target: Workload) => {
    const port = portsOf(target).find((p) => p.name === options.metricsPortName);
    if (!port) {
      violations.push({ object: target.ref, message: `has no container port named ${options.metricsPortName}` });
      return () => false;
    }
    const metrics = `metrics port ${port.number}`;
    if (!allows(policies, monitoring, ours(target), "ingress", port))
      violations.push({ object: target.ref, message: `${metrics} is not reachable from ${monitoring.description}` });
    for (const source of sources.filter((s) => s !== monitoring && s.description !== target.ref))
      if (allows(policies, source, ours(target), "ingress", port))
        violations.push({ object: target.ref, message: `${metrics} is reachable from ${source.description}` });
    return (source: Peer) =>
      source === monitoring && reachableOnlyOn(policies, monitoring, ours(target), port, portsOf(target));
  };
  for (const target of all) {
    const labels = labelsOf(target);
    const name = labels[NAME] ?? "";
    if (isServer(labels, options.router)) {
      const scraper = scrapedOnly(target);
      reachableFrom(
        target,
        (s) =>
          s === ingressController ||
          scraper(s) ||
          (s.namespace === options.namespace && !s.external && isServer(s.labels, options.storefront)),
        "the router",
      );
    } else if (isServer(labels, options.storefront)) {
      reachableFrom(target, (s) => s === ingressController, "the storefront");
    } else if (options.subgraphs.includes(name) && labels[COMPONENT] === "server") {
      const jwksClients = name === options.jwksProvider ? options.subgraphs.filter((s) => s !== name) : [];
      const scraper = scrapedOnly(target);
      reachableFrom(
        target,
        (s) =>
          scraper(s) ||
          (s.namespace === options.namespace &&
            !s.external &&
            (isServer(s.labels, options.router) || serverOf(s.labels, jwksClients))),
        `subgraph ${name}`,
      );
    } else if (name in options.datastoreOwners) {
      const owners = options.datastoreOwners[name]!;
      reachableFrom(
        target,
        (s) => s.namespace === options.namespace && !s.external && owners.includes(s.labels[NAME] ?? ""),
        `datastore ${name}`,
      );
    }
  }

  // And the paths the platform needs stay open, so the policies cannot deny it into a broken state.
  const need = (source: Peer, target: Peer, what: string) => {
    if (!allows(policies, source, target))
      violations.push({ object: source.description, message: `cannot reach ${what}` });
  };
  const servers = (name: string) => all.filter((w) => isServer(labelsOf(w), name)).map(ours);
  for (const router of routerPods.map(ours)) {
    if (!allows(policies, ingressController, router))
      violations.push({ object: router.description, message: "is not reachable from the ingress controller" });
    for (const subgraph of options.subgraphs)
      for (const target of servers(subgraph)) need(router, target, `subgraph ${subgraph}`);
  }
  for (const storefront of storefrontPods.map(ours)) {
    if (!allows(policies, ingressController, storefront))
      violations.push({ object: storefront.description, message: "is not reachable from the ingress controller" });
    for (const router of routerPods.map(ours)) need(storefront, router, "the router");
    // Its egress: the router alone (a subgraph or a datastore would also flag its own ingress).
    for (const target of all.filter((w) => !routerPods.includes(w) && !storefrontPods.includes(w)))
      if (allows(policies, storefront, ours(target), "egress"))
        violations.push({ object: storefront.description, message: `reaches ${target.ref}` });
  }
  for (const subgraph of options.subgraphs.filter((s) => s !== options.jwksProvider)) {
    for (const source of servers(subgraph))
      for (const target of servers(options.jwksProvider)) need(source, target, `${options.jwksProvider} (JWKS)`);
  }
  for (const [datastore, owners] of Object.entries(options.datastoreOwners)) {
    const targets = all.filter((w) => labelsOf(w)[NAME] === datastore).map(ours);
    for (const source of all.filter((w) => owners.includes(labelsOf(w)[NAME] ?? "")).map(ours))
      for (const target of targets) need(source, target, datastore);
  }
  for (const source of all.map(ours)) need(source, kubeDns, "kube-dns");
  // Traces reach a collector in the monitoring namespace once OTEL_EXPORTER_OTLP_ENDPOINT names one.
  const collector: Peer = {
    ...monitoring,
    description: `an OTLP collector in the ${options.monitoringNamespace} namespace`,
  };
  for (const source of [options.router, ...options.subgraphs].flatMap(servers))
    if (!allows(policies, source, collector, "egress", { number: options.otlpPort }))
      violations.push({
        object: source.description,
        message: `cannot reach ${collector.description} on ${options.otlpPort}`,
      });

  // Out of the cluster: only the servers options.externalEgress names, on their ports alone, and
  // those stay open (a send that cannot leave fails every retry, then is given up).
  const outside: Peer = {
    description: "an address outside the cluster",
    namespace: "",
    namespaceLabels: {},
    labels: {},
    external: true,
  };
  for (const workload of all) {
    const labels = labelsOf(workload);
    const permitted = labels[COMPONENT] === "server" ? (options.externalEgress[labels[NAME] ?? ""] ?? []) : [];
    const pod = ours(workload);
    // No egress policy selects it: it may go anywhere (the default deny normally prevents that).
    const rules = rulesFor(policies, pod, "Egress") ?? [{ peers: undefined, ports: undefined }];
    for (const rule of rules.filter((r) => ruleAdmits(r, pod.namespace, outside))) {
      if (!rule.ports?.length) {
        violations.push({ object: workload.ref, message: `reaches ${outside.description} on any port` });
        continue;
      }
      for (const port of rule.ports) {
        const single =
          (port.protocol ?? "TCP") === "TCP" && typeof port.port === "number" && port.endPort === undefined;
        if (single && permitted.includes(port.port as number)) continue;
        const what = `${port.protocol ?? "TCP"} ${port.port ?? "any port"}${port.endPort ? `-${port.endPort}` : ""}`;
        violations.push({ object: workload.ref, message: `reaches ${outside.description} on ${what}` });
      }
    }
  }
  for (const [name, ports] of Object.entries(options.externalEgress))
    for (const source of servers(name))
      for (const port of ports)
        if (!allows(policies, source, outside, "egress", { number: port }))
          violations.push({ object: source.description, message: `cannot reach ${outside.description} on ${port}` });
  return violations;
}
