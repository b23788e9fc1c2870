import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/** Latency buckets in seconds, from 5 ms (a cached read) to 2 min (a long OCR job). */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * The Prometheus registry of one app (one per process role; tests boot several apps in one
 * process, so nothing goes into prom-client's global registry). Libraries define their own series
 * through the get-or-create helpers, so two modules asking for the same name share it. Label
 * values must never carry personal data or ids: route templates, queue names, states, operations.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly series = new Map<string, Counter | Gauge | Histogram>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'eakte_' });
  }

  counter<L extends string>(config: Omit<CounterConfiguration<L>, 'registers'>): Counter<L> {
    return this.getOrCreate(config.name, () => new Counter<L>({ ...config, registers: [this.registry] })) as Counter<L>;
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.getOrCreate(config.name, () => new Gauge<L>({ ...config, registers: [this.registry] })) as Gauge<L>;
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.getOrCreate(config.name, () => new Histogram<L>({ buckets: SECONDS_BUCKETS, ...config, registers: [this.registry] })) as Histogram<L>;
  }

  /** Times `fn` into a histogram (also when it throws). */
  async time<T, L extends string>(histogram: Histogram<L>, labels: Partial<Record<L, string | number>>, fn: () => Promise<T>): Promise<T> {
    const end = histogram.startTimer(labels);
    try {
      return await fn();
    } finally {
      end();
    }
  }

  private getOrCreate(name: string, create: () => Counter | Gauge | Histogram): Counter | Gauge | Histogram {
    let s = this.series.get(name);
    if (!s) {
      s = create();
      this.series.set(name, s);
    }
    return s;
  }
}
