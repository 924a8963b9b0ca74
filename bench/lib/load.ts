// HTTP load with autocannon against the running worker. Latencies come from autocannon's own
// per-response timings (hrtime, sub-millisecond), so p50/p99 are exact rather than histogram buckets.
import autocannon from "autocannon";
import { percentile } from "../../harness/stats.ts";

export type LoadOptions = {
  url: string;
  connections: number;
  durationSeconds: number;
  /** The one status counted as success. */
  expect: number;
  /** Requests each connection sends in turn (instead of GET `url`). */
  requests?: autocannon.Request[];
  headers?: Record<string, string>;
  method?: string;
};

/** One run's figures: latencies in ms. */
export type LoadResult = {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  timeouts: number;
  unexpectedStatus: number;
  /** Responses per status code. */
  statuses: Record<string, number>;
};

/**
 * One fixed-time run. `expect` is the only status counted as success; every other status, socket error
 * or timeout is counted as a failure.
 */
export async function loadRun({
  url,
  connections,
  durationSeconds,
  expect,
  requests,
  headers,
  method = "GET",
}: LoadOptions): Promise<LoadResult> {
  const times: number[] = [];
  const statuses: Record<string, number> = {};
  const instance = autocannon({
    url,
    connections,
    duration: durationSeconds,
    method,
    headers,
    requests,
    timeout: 10,
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
    times.push(responseTime);
  });
  const result = await instance;
  const total = times.length;
  const unexpected = Object.entries(statuses)
    .filter(([status]) => Number(status) !== expect)
    .reduce((sum, [, count]) => sum + count, 0);
  return {
    requests: total,
    requestsPerSecond: total / result.duration,
    p50: total ? percentile(times, 50) : Number.NaN,
    p99: total ? percentile(times, 99) : Number.NaN,
    errors: result.errors,
    timeouts: result.timeouts,
    unexpectedStatus: unexpected,
    statuses,
  };
}
