import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from "prom-client";

/**
 * The process's one registry: every metric of every module is registered here and `/metrics`
 * serves it. Several services started in one process (tests) share it, so a metric that counts
 * per instance says which by a bounded label (`database`, `queue`, `subgraph`).
 */
export const metricsRegistry = new Registry();

// Node's own: CPU, memory, heap, event loop lag, GC, handles, the version.
collectDefaultMetrics({ register: metricsRegistry });
// Under node:cluster (the router's workers) the primary asks each worker for this registry.
AggregatorRegistry.setRegistries([metricsRegistry]);

type MetricClass = typeof Counter | typeof Gauge | typeof Histogram;

/** The metric already registered under `name` (created by another instance of the same code), if any. */
function registered<C extends MetricClass>(name: string, kind: C): InstanceType<C> | undefined {
  const existing = metricsRegistry.getSingleMetric(name);
  if (existing === undefined) return undefined;
  if (!(existing instanceof kind)) throw new Error(`metric ${name} is already registered as another type`);
  return existing as InstanceType<C>;
}

type Config<T> = Omit<T, "registers">;

/** A counter in the process registry (the same one when asked twice for one name). */
export function counter<L extends string>(config: Config<CounterConfiguration<L>>): Counter<L> {
  return registered(config.name, Counter) ?? new Counter({ ...config, registers: [metricsRegistry] });
}

/** A gauge in the process registry (the same one when asked twice for one name). */
export function gauge<L extends string>(config: Config<GaugeConfiguration<L>>): Gauge<L> {
  return registered(config.name, Gauge) ?? new Gauge({ ...config, registers: [metricsRegistry] });
}

/** A histogram in the process registry (the same one when asked twice for one name). */
export function histogram<L extends string>(config: Config<HistogramConfiguration<L>>): Histogram<L> {
  return registered(config.name, Histogram) ?? new Histogram({ ...config, registers: [metricsRegistry] });
}

/** Seconds since `started` (a `process.hrtime.bigint()`), for duration histograms. */
export function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
