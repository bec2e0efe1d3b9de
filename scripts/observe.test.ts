import { readFileSync } from "node:fs";
import YAML from "yaml";
import { METRICS_PATH } from "@cartograph/service-kit/metrics";
import { prometheusConfig, RULES_SOURCE, rulesFile, scrapeTargets } from "./observe";
import { routerPorts, subgraphs } from "./subgraphs";

interface ScrapeConfig {
  job_name: string;
  metrics_path: string;
  static_configs: Array<{ targets: string[] }>;
}

const parsed = (text: string) =>
  YAML.parse(text) as { global: Record<string, string>; rule_files: string[]; scrape_configs: ScrapeConfig[] };

describe("the local Prometheus (pnpm start --observe)", () => {
  test("scrapes the router and every subgraph of scripts/subgraphs.ts on its metrics port, one job each", () => {
    const config = parsed(prometheusConfig(scrapeTargets(), "/tmp/rules.yml"));
    const scraped = Object.fromEntries(
      config.scrape_configs.map((job) => [
        job.job_name,
        { path: job.metrics_path, targets: job.static_configs[0]!.targets },
      ]),
    );
    const expected = Object.fromEntries(
      [{ name: "router", metricsPort: routerPorts.metricsPort }, ...subgraphs].map(({ name, metricsPort }) => [
        name,
        { path: METRICS_PATH, targets: [`127.0.0.1:${metricsPort}`] },
      ]),
    );
    expect(scraped).toEqual(expected);
    expect(Object.keys(scraped)).toHaveLength(subgraphs.length + 1);
    expect(config.rule_files).toEqual(["/tmp/rules.yml"]);
  });

  test("metrics ports are 9400 plus the service's number, each its own", () => {
    const ports = scrapeTargets().map((target) => target.port);
    expect(new Set(ports).size).toBe(ports.length);
    expect(routerPorts.metricsPort - routerPorts.port).toBe(5400);
    for (const subgraph of subgraphs)
      expect({ [subgraph.name]: subgraph.metricsPort - subgraph.port }).toEqual({ [subgraph.name]: 5400 });
  });

  test("loads the cluster's alert rules: the PrometheusRule's groups as a plain rules file", () => {
    const rules = YAML.parse(rulesFile(readFileSync(RULES_SOURCE, "utf8"))) as {
      groups: Array<{ name: string; rules: Array<{ alert: string; expr: string }> }>;
    };
    const alerts = rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert));
    expect(alerts).toEqual(
      expect.arrayContaining([
        "CartographOutboxStuck",
        "CartographOutboxGrowing",
        "CartographMessagesDeadLettered",
        "CartographSubgraphFailing",
        "CartographSubgraphErrors",
      ]),
    );
    expect(() => rulesFile("kind: ConfigMap\n")).toThrow("is not a PrometheusRule with spec.groups");
  });
});
