/** One measured autocannon run, with an unmeasured warm-up run before it. */
import autocannon, { type AutocannonInstance, type AutocannonRequest } from 'autocannon';

export interface LoadSettings {
  readonly connections: number;
  /** Measured seconds. */
  readonly duration: number;
  /** Unmeasured seconds before the measured run. 0 skips the warm-up. */
  readonly warmup: number;
  /** Headers of every request, such as Authorization. */
  readonly headers: Readonly<Record<string, string>>;
}

export interface LoadResult {
  /** Completed requests, of any status, per second of the run. */
  readonly requestsPerSecond: number;
  readonly completedRequests: number;
  readonly seconds: number;
  /** Latency percentiles of all completed requests, in milliseconds. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  /** Responses by status code. */
  readonly statusCounts: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly timeouts: number;
}

let running: AutocannonInstance | undefined;

/** Stops the autocannon run in progress, if any, which then resolves with what it measured so far. */
export function stopRunningLoad(): void {
  running?.stop();
}

/** Returns the nearest-rank percentile of sorted values, or 0 when there are none. */
function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)]!;
}

async function runOnce(url: string, createRequests: () => AutocannonRequest[], settings: LoadSettings, duration: number): Promise<LoadResult> {
  const instance = autocannon({
    url,
    connections: settings.connections,
    duration,
    headers: { ...settings.headers },
    setupClient: (client) => client.setRequests(createRequests()),
  });
  running = instance;
  // autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond baselines,
  // so the latencies are collected here from its response events.
  const latencies: number[] = [];
  instance.on('response', (_client, _statusCode, _responseBytes, responseTime) => {
    latencies.push(responseTime);
  });
  try {
    const result = await instance;
    const sorted = Float64Array.from(latencies).sort();
    const statusCounts: Record<string, number> = {};
    for (const [status, { count }] of Object.entries(result.statusCodeStats)) {
      statusCounts[status] = count;
    }
    return {
      requestsPerSecond: result.duration > 0 ? result.requests.total / result.duration : 0,
      completedRequests: result.requests.total,
      seconds: result.duration,
      p50Ms: percentile(sorted, 0.5),
      p99Ms: percentile(sorted, 0.99),
      non2xx: result.non2xx,
      statusCounts,
      errors: result.errors,
      timeouts: result.timeouts,
    };
  } finally {
    running = undefined;
  }
}

/**
 * Runs the warm-up, then the measured run, against `url`. `createRequests`
 * is called once per connection, and `afterEachRun` after the warm-up and
 * after the measured run.
 */
export async function measureLoad(
  url: string,
  createRequests: () => AutocannonRequest[],
  settings: LoadSettings,
  afterEachRun: () => void = () => {},
): Promise<LoadResult> {
  if (settings.warmup > 0) {
    await runOnce(url, createRequests, settings, settings.warmup);
    afterEachRun();
  }
  const result = await runOnce(url, createRequests, settings, settings.duration);
  afterEachRun();
  return result;
}
