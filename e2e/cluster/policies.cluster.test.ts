/**
 * The NetworkPolicies and Pod Security of k8s/base, enforced on the running cluster: probed from
 * inside real pods (the router, subgraphs, the storefront, and a stranger pod that belongs to nobody).
 */
import { subgraphs } from "@cartograph/scripts/subgraphs";
import { kubectl, kubectlOutcome, NAMESPACE, podOf, resolveFrom, tcpFrom } from "./cluster";

const SUBGRAPH_PORTS: Record<string, number> = Object.fromEntries(subgraphs.map(({ name, port }) => [name, port]));
const STRANGER = "policy-stranger";
const pods: Record<string, string> = {};

const restricted = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  runAsNonRoot: true,
  runAsUser: 1000,
  seccompProfile: { type: "RuntimeDefault" },
};

beforeAll(async () => {
  for (const app of ["router", "users", "orders", "reviews", "storefront"]) pods[app] = await podOf(app);
  // Any pod in the namespace that no policy names: an application image, so it has Node to probe with.
  const image = await kubectl([
    "-n",
    NAMESPACE,
    "get",
    "deployment",
    "products",
    "-o",
    "jsonpath={.spec.template.spec.containers[0].image}",
  ]);
  const stranger = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: STRANGER, namespace: NAMESPACE, labels: { "app.kubernetes.io/name": STRANGER } },
    spec: {
      automountServiceAccountToken: false,
      containers: [{ name: "probe", image, command: ["sleep", "3600"], securityContext: restricted }],
    },
  };
  await kubectl(["delete", "pod", "-n", NAMESPACE, STRANGER, "--ignore-not-found", "--wait=true"]);
  await kubectl(["apply", "-f", "-"], JSON.stringify(stranger));
  await kubectl(["-n", NAMESPACE, "wait", "--for=condition=Ready", `pod/${STRANGER}`, "--timeout=120s"]);
  pods.stranger = STRANGER;
}, 300_000);

afterAll(async () => {
  await kubectl(["delete", "pod", "-n", NAMESPACE, STRANGER, "--ignore-not-found", "--wait=false"]);
});

describe("NetworkPolicies on the cluster", () => {
  it("every pod resolves Service names through cluster DNS", async () => {
    for (const from of Object.values(pods)) {
      expect([from, await resolveFrom(from, "postgres.cartograph.svc.cluster.local")]).toEqual([
        from,
        expect.stringMatching(/^10\.244\./),
      ]);
      expect([from, await resolveFrom(from, "users")]).toEqual([from, expect.stringMatching(/^10\.96\./)]);
    }
  });

  it("the router reaches every subgraph; a stranger pod reaches none, nor the router", async () => {
    for (const [subgraph, port] of Object.entries(SUBGRAPH_PORTS)) {
      expect([subgraph, await tcpFrom(pods.router!, subgraph, port)]).toEqual([subgraph, "open"]);
      expect([subgraph, await tcpFrom(pods.stranger!, subgraph, port)]).toEqual([
        subgraph,
        expect.stringMatching(/^closed/),
      ]);
    }
    expect(await tcpFrom(pods.stranger!, "router", 4000)).toMatch(/^closed/);
  });

  it("subgraphs reach each other only where the manifests say (users' JWKS), not across", async () => {
    expect(await tcpFrom(pods.orders!, "users", 4001)).toBe("open");
    expect(await tcpFrom(pods.orders!, "products", 4002)).toMatch(/^closed/);
    expect(await tcpFrom(pods.reviews!, "payments", 4005)).toMatch(/^closed/);
  });

  it("each datastore is reachable only from its owners", async () => {
    const cases: Array<[from: string, host: string, port: number, open: boolean]> = [
      ["orders", "postgres", 5432, true],
      ["users", "postgres", 5432, true],
      ["reviews", "postgres", 5432, false],
      ["router", "postgres", 5432, false],
      ["stranger", "postgres", 5432, false],
      ["reviews", "mongodb", 27017, true],
      ["orders", "mongodb", 27017, false],
      ["router", "mongodb", 27017, false],
      ["stranger", "mongodb", 27017, false],
      ["orders", "rabbitmq", 5672, true],
      ["router", "rabbitmq", 5672, true],
      ["stranger", "rabbitmq", 5672, false],
      ["storefront", "postgres", 5432, false],
      ["storefront", "mongodb", 27017, false],
      ["storefront", "rabbitmq", 5672, false],
    ];
    const seen = [];
    for (const [from, host, port] of cases)
      seen.push([from, host, (await tcpFrom(pods[from]!, host, port)) === "open"]);
    expect(seen).toEqual(cases.map(([from, host, , open]) => [from, host, open]));
  }, 180_000);
});

describe("the storefront on the cluster", () => {
  it("reaches the router and no subgraph; neither a stranger pod nor the router reaches it", async () => {
    expect(await tcpFrom(pods.storefront!, "router", 4000)).toBe("open");
    for (const [subgraph, port] of Object.entries(SUBGRAPH_PORTS))
      expect([subgraph, await tcpFrom(pods.storefront!, subgraph, port)]).toEqual([
        subgraph,
        expect.stringMatching(/^closed/),
      ]);
    expect(await tcpFrom(pods.stranger!, "storefront", 3000)).toMatch(/^closed/);
    expect(await tcpFrom(pods.router!, "storefront", 3000)).toMatch(/^closed/);
    // A blocked connection waits out the probe's 3 s: ten of them, each through kubectl exec.
  }, 180_000);

  it("serves the built shop and passes its /graphql on to the router", async () => {
    // From inside its pod, through its own server: the pages, and a query relayed to the router's Service.
    const probe = `(async () => {
      const base = "http://127.0.0.1:" + process.env.PORT;
      const page = await fetch(base + "/");
      const html = await page.text();
      const api = await fetch(base + "/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      console.log(JSON.stringify({ page: page.status, shop: html.includes('<div id="root">'), api: api.status, body: await api.text() }));
    })().catch((error) => console.log(JSON.stringify({ error: String(error) })));`;
    const seen = JSON.parse(await kubectl(["-n", NAMESPACE, "exec", pods.storefront!, "--", "node", "-e", probe])) as {
      page: number;
      shop: boolean;
      api: number;
      body: string;
    };
    expect({ page: seen.page, shop: seen.shop, api: seen.api }).toEqual({ page: 200, shop: true, api: 200 });
    expect(JSON.parse(seen.body)).toMatchObject({ data: { __typename: "Query" } });
  }, 120_000);
});

describe("Pod Security on the cluster", () => {
  it("the namespace enforces the restricted profile, and every pod in it was admitted under it", async () => {
    const labels = JSON.parse(await kubectl(["get", "namespace", NAMESPACE, "-o", "jsonpath={.metadata.labels}"]));
    expect(labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const privileged = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "policy-privileged", namespace: NAMESPACE },
      spec: { containers: [{ name: "root", image: "busybox", securityContext: { privileged: true } }] },
    };
    const refused = await kubectlOutcome(["apply", "--dry-run=server", "-f", "-"], JSON.stringify(privileged));
    expect(refused.ok).toBe(false);
    expect(refused.output).toMatch(/violates PodSecurity "restricted:latest"/);
  });
});
