import { setTimeout as pause } from "node:timers/promises";
import { parse, type OperationDefinitionNode } from "graphql";
import { createLogger } from "../logger";
import { errorCodeLabel, rootFieldLabel } from "./operations";
import { metricsRegistry } from "./registry";
import { boundedReading, scrapedGauge } from "./scrape";
import { startMetricsServer } from "./server";

/** The value of one series in the registry's exposition, as Prometheus would read it. */
async function seriesValue(series: string): Promise<number | undefined> {
  const line = (await metricsRegistry.metrics()).split("\n").find((text) => text.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("gauges read at scrape time", () => {
  const gauge = scrapedGauge({ name: "test_scraped_things", help: "things", labelNames: ["kind"] });

  it("adds up the sources' samples, leaves out a failing source and forgets a stopped one", async () => {
    const one = gauge.from(() => [{ labels: { kind: "a" }, value: 2 }]);
    const two = gauge.from(async () => [{ labels: { kind: "a" }, value: 3 }]);
    const broken = gauge.from(() => {
      throw new Error("store gone");
    });
    expect(await seriesValue('test_scraped_things{kind="a"}')).toBe(5);
    await two.stop();
    expect(await seriesValue('test_scraped_things{kind="a"}')).toBe(2);
    await one.stop();
    await broken.stop();
    expect(await seriesValue('test_scraped_things{kind="a"}')).toBeUndefined();
  });

  it("is one gauge however often it is declared", () => {
    expect(scrapedGauge({ name: "test_scraped_things", help: "things", labelNames: ["kind"] })).toBe(gauge);
  });
});

describe("a bounded reading", () => {
  it("gives up after its timeout, and starts no second read while the first hangs", async () => {
    let reads = 0;
    const read = boundedReading(
      "test_hang",
      () => {
        reads += 1;
        return new Promise<number>(() => undefined);
      },
      { timeoutMs: 30 },
    );
    const started = Date.now();
    expect(await Promise.all([read(), read()])).toEqual([undefined, undefined]);
    expect(await read()).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reads).toBe(1);
    // One read, counted once however many scrapes waited on it.
    expect(await seriesValue('cartograph_metrics_reading_failures_total{reading="test_hang"}')).toBe(1);
  });

  it("shares one read between the callers of one scrape and reads afresh next time", async () => {
    let reads = 0;
    const read = boundedReading("test_count", async () => {
      reads += 1;
      await pause(5);
      return reads;
    });
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    expect(await read()).toBe(2);
  });

  it("answers nothing, and counts a failure, when the read fails", async () => {
    const read = boundedReading("test_fail", () => Promise.reject(new Error("connection refused")));
    expect(await read()).toBeUndefined();
    expect(await seriesValue('cartograph_metrics_reading_failures_total{reading="test_fail"}')).toBe(1);
  });
});

describe("operation labels", () => {
  const answered = (source: string) => {
    const document = parse(source);
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === "OperationDefinition");
    return { operation, document };
  };

  it("name the one root field an operation selects, whatever its aliases and fragments", () => {
    expect(rootFieldLabel(answered("{ _entities(representations: []) { __typename } }"))).toBe("_entities");
    expect(rootFieldLabel(answered("{ a: product(id: 1) { id } b: product(id: 2) { id } __typename }"))).toBe(
      "product",
    );
    expect(rootFieldLabel(answered("query { ...F } fragment F on Query { products { id } }"))).toBe("products");
  });

  it("say `multiple` for several root fields and `unknown` before the document is valid", () => {
    expect(rootFieldLabel(answered("{ products { id } categories { id } }"))).toBe("multiple");
    expect(rootFieldLabel({})).toBe("unknown");
  });

  it("keep error codes to a fixed set", () => {
    expect(errorCodeLabel("RATE_LIMITED")).toBe("RATE_LIMITED");
    expect(errorCodeLabel("SOMETHING_A_CLIENT_MADE_UP")).toBe("OTHER");
    expect(errorCodeLabel(undefined)).toBe("OTHER");
  });
});

describe("the metrics server", () => {
  it("serves the registry at /metrics on the port it was given (0: a free one), and nothing else", async () => {
    const server = await startMetricsServer({
      config: { HOST: "127.0.0.1", METRICS_PORT: 0 },
      log: createLogger("metrics-test", "silent"),
    });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
      expect(await response.text()).toContain("# TYPE process_cpu_user_seconds_total counter");
      expect((await fetch(server.url.replace("/metrics", "/graphql"))).status).toBe(404);
      expect((await fetch(server.url, { method: "POST" })).status).toBe(405);
    } finally {
      await server.stop();
    }
    await expect(fetch(server.url)).rejects.toThrow();
  });
});
