import { percentile } from './stats';

/** How a benchmark reports a latency: nearest-rank p50 and p99, and the worst sample, in whole ms. */
export interface Spread {
  p50: number;
  p99: number;
  max: number;
}

export function spread(samples: readonly number[]): Spread {
  return { p50: Math.round(percentile(samples, 50)), p99: Math.round(percentile(samples, 99)), max: Math.round(Math.max(...samples)) };
}
