import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TemplateStore } from '../store/template-store.js';

/**
 * Registers Prometheus metrics on a registry of the app's own: requests by
 * method, route and status, request latency, the number of stored templates,
 * and Node's process metrics.
 */
export function registerMetrics(app: FastifyInstance, store: TemplateStore): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP responses sent, by method, route pattern and status code.',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to sending its response, in seconds.',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'job_templates',
    help: 'Job templates in the store.',
    registers: [registry],
    async collect() {
      try {
        this.set(await store.count());
      } catch (error) {
        app.log.warn({ err: error }, 'could not count job templates for metrics');
      }
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched paths share one label so that scanners cannot create a series per URL.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  return registry;
}
