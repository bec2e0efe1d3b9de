import parsePrometheusTextFormat, { type ParsedFamily } from "parse-prometheus-text-format";

/** A metric family's type as the parser names it (`COUNTER`, `GAUGE`, `HISTOGRAM`, ...). */
export type MetricType = ParsedFamily["type"];

/** One scrape of a `/metrics` endpoint, parsed as Prometheus would read it. */
export class MetricsScrape {
  /**
   * Every series with all its labels, a histogram's or summary's as its `_bucket`, `_count` and
   * `_sum` families (see the constructor).
   */
  readonly families: readonly ParsedFamily[];
  private readonly byName: ReadonlyMap<string, ParsedFamily>;
  private readonly types: ReadonlyMap<string, MetricType>;

  constructor(
    text: string,
    /** The exposition as served, in bytes. */
    readonly bytes = Buffer.byteLength(text),
  ) {
    // The parser keeps a histogram's (or summary's) labels only when it has none, so the text is
    // read twice: as served, which proves it parses and gives each family's type, and with those
    // TYPE lines as `untyped`, where each `_bucket`, `_count` and `_sum` line keeps its labels.
    const typed = parsePrometheusTextFormat(text);
    this.types = new Map(typed.map((family) => [family.name, family.type]));
    // Each label set's lines come together, so one name recurs as several families: merged here.
    const byName = new Map<string, ParsedFamily>();
    for (const family of parsePrometheusTextFormat(
      text.replace(/^(# TYPE \S+) (?:histogram|summary)$/gm, "$1 untyped"),
    )) {
      const seen = byName.get(family.name);
      if (seen) seen.metrics.push(...family.metrics);
      else byName.set(family.name, { ...family, metrics: [...family.metrics] });
    }
    this.byName = byName;
    this.families = [...byName.values()];
  }

  /** The type `name` is declared with, if it is there. */
  typeOf(name: string): MetricType | undefined {
    return this.types.get(name);
  }

  /** The series standing for `name`: a histogram's or summary's observation counts, else its own. */
  private series(name: string): ParsedFamily["metrics"] {
    const type = this.types.get(name);
    const counted = type === "HISTOGRAM" || type === "SUMMARY" ? `${name}_count` : name;
    return this.byName.get(counted)?.metrics ?? [];
  }

  /**
   * The sum over every series of `name` whose labels include `labels`: values of counters and
   * gauges, observation counts of histograms and summaries. 0 when there is none.
   */
  sum(name: string, labels: Record<string, string> = {}): number {
    let total = 0;
    for (const sample of this.series(name)) {
      if (!Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value)) continue;
      total += Number(sample.value ?? 0);
    }
    return total;
  }

  /** Whether some series of `name` has labels including `labels` (a gauge read at scrape time may be absent). */
  has(name: string, labels: Record<string, string> = {}): boolean {
    return this.series(name).some((sample) =>
      Object.entries(labels).every(([label, value]) => sample.labels?.[label] === value),
    );
  }

  /** Every label value of every series, for checking that none carries what a client sent. */
  allLabelValues(): string[] {
    return this.families.flatMap((family) => family.metrics.flatMap((sample) => Object.values(sample.labels ?? {})));
  }

  /** How many series the families named `prefix…` hold (a bucket, a sum and a count each count). */
  seriesCount(prefix: string): number {
    return this.families
      .filter((family) => family.name.startsWith(prefix))
      .reduce((count, family) => count + family.metrics.length, 0);
  }

  /** The values label `label` takes across the series of `name`. */
  labelValues(name: string, label: string): Set<string> {
    const values = new Set<string>();
    for (const sample of this.series(name)) {
      const value = sample.labels?.[label];
      if (value !== undefined) values.add(value);
    }
    return values;
  }
}

/** GETs `/metrics` and parses it (an exposition the parser cannot read fails the test). */
export async function scrapeMetrics(url: string): Promise<MetricsScrape> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return new MetricsScrape(await response.text());
}
