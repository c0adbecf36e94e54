/**
 * Types for the parts of autocannon 9 that the benchmark uses. The package
 * ships no type declarations of its own.
 */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  /** Per-connection state that autocannon passes to `setupRequest` and `onResponse`. */
  export type RequestContext = Record<string, unknown>;

  export interface AutocannonRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Returns the request to send. A falsy value restarts the connection's request list. */
    setupRequest?: (request: AutocannonRequest, context: RequestContext) => AutocannonRequest | undefined;
    onResponse?: (status: number, body: string, context: RequestContext, headers: Record<string, string | string[]>) => void;
  }

  /** One connection of a run. */
  export interface AutocannonClient {
    /** Replaces the request list of this connection only. */
    setRequests(requests: AutocannonRequest[]): void;
  }

  export interface AutocannonOptions {
    url: string;
    connections?: number;
    /** Seconds. */
    duration?: number;
    headers?: Record<string, string>;
    requests?: AutocannonRequest[];
    /** Called once per connection when it is created. */
    setupClient?: (client: AutocannonClient) => void;
  }

  /** Summary of a histogram, with latency values in milliseconds. */
  export interface HistogramSummary {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }

  export interface AutocannonResult {
    requests: HistogramSummary;
    latency: HistogramSummary;
    throughput: HistogramSummary;
    /** Seconds, rounded to 10 ms. */
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    statusCodeStats: Record<string, { count: number }>;
  }

  export interface AutocannonInstance extends EventEmitter, PromiseLike<AutocannonResult> {
    stop(): void;
    /** Emitted for every response, with `responseTime` in milliseconds including sub-millisecond digits. */
    on(event: 'response', listener: (client: AutocannonClient, statusCode: number, responseBytes: number, responseTime: number) => void): this;
  }

  export default function autocannon(options: AutocannonOptions): AutocannonInstance;
}
